using IoMT.Core.Pipeline;
using Xunit;

namespace IoMT.Testing;

/// <summary>The behaviour every <see cref="IIngestionStateStore"/> must have; derive once per implementation.</summary>
public abstract class IngestionStateStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private IIngestionStateStore? _store;

    protected IIngestionStateStore Store => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected virtual string? SkipReason => null;

    protected abstract Task<IIngestionStateStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task States_SavedThenLoaded_SameJson_UnknownPatientsAbsent()
    {
        var state = new PatientState("patient-1") { Spo2 = new VitalSample(88, T0), Temperature = new VitalSample(39.2, T0.AddSeconds(5)) };
        state.AddGlucose(new(T0, 120));

        await Store.SaveAsync([state], [], T0);
        await Store.SaveAsync([new PatientState("patient-1") { Spo2 = new VitalSample(95, T0.AddMinutes(1)) }, new PatientState("patient-2")], [], T0);

        var loaded = await Store.LoadStatesAsync(["patient-1", "patient-1", "patient-3"]);
        Assert.Equal(95, Assert.Single(loaded).Spo2!.Value.Value);
        Assert.Equal(PatientStateJson.Serialize(new PatientState("patient-2")), PatientStateJson.Serialize(Assert.Single(await Store.LoadStatesAsync(["patient-2"]))));
        Assert.Empty(await Store.LoadStatesAsync([]));
    }

    [SkippableFact]
    public async Task Seen_FirstSightingStands_IdsWithAnyCharacters()
    {
        await Store.SaveAsync([], [("monitor-1", "m/1#?", "0:10"), ("monitor-1", "m-2", "0:11")], T0);
        await Store.SaveAsync([], [("monitor-1", "m/1#?", "3:99"), ("monitor-2", "m-2", "1:5")], T0);

        var seen = await Store.LoadSeenAsync([("monitor-1", "m/1#?"), ("monitor-1", "m-2"), ("monitor-2", "m-2"), ("monitor-3", "m-2"), ("monitor-1", "m-2")]);

        Assert.Equal(
            [("monitor-1", "m-2", "0:11"), ("monitor-1", "m/1#?", "0:10"), ("monitor-2", "m-2", "1:5")],
            seen.OrderBy(s => s.DeviceId, StringComparer.Ordinal).ThenBy(s => s.MessageId, StringComparer.Ordinal));
    }
}
