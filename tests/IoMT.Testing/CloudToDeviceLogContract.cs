using System.Text;
using IoMT.Core.Devices;
using Xunit;

namespace IoMT.Testing;

/// <summary>The behaviour every <see cref="ICloudToDeviceLog"/> must have; derive once per implementation.</summary>
public abstract class CloudToDeviceLogContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private ICloudToDeviceLog? _log;

    protected ICloudToDeviceLog Log => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _log ?? throw new InvalidOperationException("The log is created in InitializeAsync.");

    protected virtual string? SkipReason => null;

    protected abstract Task<ICloudToDeviceLog> CreateLogAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _log = await CreateLogAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    public static CloudToDeviceMessage Message(string deviceId, string messageId, DateTimeOffset at) =>
        CloudToDeviceRules.Validate(
            new CloudToDeviceRequest(System.Text.Json.JsonDocument.Parse("""{"type":"medication-reminder"}""").RootElement, "nt_1",
                new Dictionary<string, string?> { ["kind"] = "reminder" }, 600),
            deviceId, messageId, "workflow:adherence", at).Value!;

    [SkippableFact]
    public async Task Add_ThenFind_EverythingKept()
    {
        Assert.True(await Log.AddAsync(Message("dispenser-1", "c2d_1", T0)));

        var found = (await Log.FindAsync("dispenser-1", "c2d_1"))!;

        Assert.Equal(("nt_1", "reminder", "workflow:adherence"), (found.CorrelationId, found.Properties["kind"], found.EnqueuedBy));
        Assert.Equal((T0, T0.AddMinutes(10), CloudToDeviceStatus.Queued), (found.EnqueuedAt, found.ExpiresAt, found.Status));
        Assert.Equal("""{"type":"medication-reminder"}""", Encoding.UTF8.GetString(found.Body));
        Assert.Equal([new CloudToDeviceEvent(T0, CloudToDeviceEventKind.Queued)], found.Events);
        Assert.Null(await Log.FindAsync("dispenser-2", "c2d_1"));
    }

    [SkippableFact]
    public async Task Add_SameIdAgain_FalseAndTheFirstKept()
    {
        await Log.AddAsync(Message("dispenser-1", "c2d_1", T0));

        var again = await Log.AddAsync(Message("dispenser-1", "c2d_1", T0.AddMinutes(1)));

        Assert.False(again);
        Assert.Equal(T0, (await Log.FindAsync("dispenser-1", "c2d_1"))!.EnqueuedAt);
    }

    [SkippableFact]
    public async Task Save_Outcome_Replaced()
    {
        var message = Message("dispenser-1", "c2d_1", T0);
        await Log.AddAsync(message);

        await Log.SaveAsync(CloudToDeviceFeedbackRules.Apply(message, new("dispenser-1", "c2d_1", "Success", T0.AddMinutes(2))));

        var found = (await Log.FindAsync("dispenser-1", "c2d_1"))!;
        Assert.Equal(CloudToDeviceStatus.Completed, found.Status);
        Assert.Equal(new CloudToDeviceEvent(T0.AddMinutes(2), CloudToDeviceEventKind.Completed), found.Events[^1]);
    }

    [SkippableFact]
    public async Task List_NewestFirst_OnlyTheDevicesAndAtMostMax()
    {
        await Log.AddAsync(Message("dispenser-1", "c2d_1", T0));
        await Log.AddAsync(Message("dispenser-1", "c2d_3", T0.AddMinutes(2)));
        await Log.AddAsync(Message("dispenser-1", "c2d_2", T0.AddMinutes(1)));
        await Log.AddAsync(Message("dispenser-2", "c2d_9", T0.AddMinutes(3)));

        var listed = await Log.ListAsync("dispenser-1", 2);

        Assert.Equal(["c2d_3", "c2d_2"], listed.Select(m => m.MessageId));
    }
}
