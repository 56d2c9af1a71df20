using IoMT.Core.Devices;
using Xunit;

namespace IoMT.Testing;

/// <summary>
/// The behaviour every <see cref="IDeviceRegistry"/> must have. A test project derives from this class once per
/// implementation; xunit runs every fact below against it.
/// </summary>
public abstract class DeviceRegistryContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private IDeviceRegistry? _registry;

    /// <summary>The registry under test; skips the test when <see cref="SkipReason"/> says it is not available here.</summary>
    protected IDeviceRegistry Registry => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _registry ?? throw new InvalidOperationException("The registry is created in InitializeAsync.");

    /// <summary>Why this registry cannot be tested on this machine (e.g. no Cosmos DB endpoint configured); null when it can.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>An empty registry of its own for each test.</summary>
    protected abstract Task<IDeviceRegistry> CreateRegistryAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _registry = await CreateRegistryAsync();
        }
    }

    public virtual Task DisposeAsync()
    {
        (_registry as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task Create_NewAndExisting_CreatedOnlyOnceAndReadBackWhole()
    {
        var device = Device("oximeter-1") with
        {
            SerialNumber = "SN-1",
            Firmware = "2.4.1",
            EnrollmentGroupId = "acme-oximeters",
            Bindings = [new DeviceBinding("oximeter-1", "patient-1", T0, T0.AddHours(1)), new DeviceBinding("oximeter-1", "patient-2", T0.AddHours(1), null)],
        };

        var first = await Registry.CreateAsync([device, Device("oximeter-2")], "admin");
        var second = await Registry.CreateAsync([Device("oximeter-2") with { Model = "changed" }, Device("oximeter-3")], "admin");

        Assert.Equal([true, true], first);
        Assert.Equal([false, true], second);
        var stored = (await Registry.FindAsync("oximeter-1"))!;
        Assert.Equal(device, stored with { Kinds = device.Kinds, Bindings = device.Bindings });
        Assert.Equal(device.Kinds, stored.Kinds);
        Assert.Equal(device.Bindings, stored.Bindings);
        Assert.Equal(device.Credentials, stored.Credentials);
        Assert.Equal("PulseOx 2", (await Registry.FindAsync("oximeter-2"))!.Model);
        Assert.Null(await Registry.FindAsync("oximeter-9"));
    }

    [SkippableFact]
    public async Task FindMany_SomeUnknown_TheKnownOnes()
    {
        await Registry.CreateAsync([Device("a"), Device("b"), Device("c")], "admin");

        var found = await Registry.FindManyAsync(["c", "a", "zz", "a"]);

        Assert.Equal(["a", "c"], found.Select(d => d.Id).Order());
    }

    [SkippableFact]
    public async Task Update_CurrentVersion_StoredWithHistory_StaleVersion_Refused()
    {
        await Registry.CreateAsync([Device("d")], "acme");
        var stored = (await Registry.FindAsync("d"))!;

        var disabled = await Registry.UpdateAsync(stored with { Status = DeviceStatus.Disabled, Version = 2 }, new DeviceChange(T0.AddHours(1), "acme", "disabled"));
        var stale = await Registry.UpdateAsync(stored with { Model = "lost update", Version = 2 }, new DeviceChange(T0.AddHours(2), "admin", "changed"));

        Assert.True(disabled);
        Assert.False(stale);
        Assert.Equal((DeviceStatus.Disabled, "PulseOx 2", 2L), ((await Registry.FindAsync("d"))!.Status, (await Registry.FindAsync("d"))!.Model, (await Registry.FindAsync("d"))!.Version));
        Assert.Equal(["created", "disabled"], (await Registry.HistoryAsync("d")).Select(c => c.Action));
    }

    [SkippableFact]
    public async Task Record_AddsHistoryWithoutChangingTheDevice()
    {
        await Registry.CreateAsync([Device("d")], "acme");

        await Registry.RecordAsync(["d"], new DeviceChange(T0.AddHours(1), "acme", "credentials-exported"));

        var history = await Registry.HistoryAsync("d");
        Assert.Equal([new DeviceChange(T0, "acme", "created"), new DeviceChange(T0.AddHours(1), "acme", "credentials-exported")], history);
        Assert.Equal(1, (await Registry.FindAsync("d"))!.Version);
    }

    [SkippableFact]
    public async Task List_Filters_EachNarrowsTheResult()
    {
        await Registry.CreateAsync(
        [
            Device("a"),
            Device("b") with { Manufacturer = "Globex" },
            Device("c") with { Model = "PulseOx 3" },
            Device("d") with { Status = DeviceStatus.Disabled },
            Device("e") with { Kinds = ["glucose"] },
            Device("f") with { Bindings = [new DeviceBinding("f", "patient-1", T0, null)] },
            Device("g") with { Bindings = [new DeviceBinding("g", "patient-1", T0, T0.AddHours(1))] },
            Device("h") with { DeletedAt = T0 },
        ], "admin");

        async Task<string[]> Ids(DeviceFilter filter) => [.. (await Registry.ListAsync(filter)).Items.Select(d => d.Id)];

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g"], await Ids(new DeviceFilter()));
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h"], await Ids(new DeviceFilter(IncludeDeleted: true)));
        Assert.Equal(["b"], await Ids(new DeviceFilter(Manufacturer: "Globex")));
        Assert.Equal(["c"], await Ids(new DeviceFilter(Model: "PulseOx 3")));
        Assert.Equal(["d"], await Ids(new DeviceFilter(Status: DeviceStatus.Disabled)));
        Assert.Equal(["e"], await Ids(new DeviceFilter(Kind: "glucose")));
        Assert.DoesNotContain("e", await Ids(new DeviceFilter(Kind: "spo2")));
        Assert.Equal(["f"], await Ids(new DeviceFilter(PatientId: "patient-1")));
    }

    [SkippableFact]
    public async Task List_Paging_EveryDeviceExactlyOnceInIdOrder()
    {
        var ids = Enumerable.Range(0, 53).Select(i => $"device-{i:D3}").ToList();
        await Registry.CreateAsync([.. ids.Select(Device)], "admin");

        var seen = new List<string>();
        var filter = new DeviceFilter(PageSize: 10);
        do
        {
            var page = await Registry.ListAsync(filter);
            seen.AddRange(page.Items.Select(d => d.Id));
            filter = filter with { ContinuationToken = page.ContinuationToken };
        }
        while (filter.ContinuationToken is not null);

        Assert.Equal(ids, seen);
    }

    [SkippableFact]
    public async Task List_ForeignToken_ArgumentException()
    {
        var registry = Registry;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => registry.ListAsync(new DeviceFilter(ContinuationToken: "not-a-token")));
    }

    [SkippableFact]
    public async Task MarkSeen_OnlyMovesForward()
    {
        await Registry.CreateAsync([Device("d")], "acme");

        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0.AddHours(2), ["unknown"] = T0 });
        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0.AddHours(1) });

        Assert.Equal(T0.AddHours(2), (await Registry.FindAsync("d"))!.LastSeenAt);
    }

    [SkippableFact]
    public async Task Groups_CreatedOnceFoundAndListed()
    {
        var group = new EnrollmentGroup
        {
            Id = "acme-oximeters",
            Manufacturer = "Acme Medical",
            Model = "PulseOx 2",
            Kinds = ["spo2"],
            PrimaryKey = DpsKeys.NewKey(),
            SecondaryKey = DpsKeys.NewKey(),
            CreatedAt = T0,
        };

        Assert.True(await Registry.CreateGroupAsync(group, "acme"));
        Assert.False(await Registry.CreateGroupAsync(group with { Model = "other" }, "acme"));

        var found = (await Registry.FindGroupAsync("acme-oximeters"))!;
        Assert.Equal((group.Model, group.PrimaryKey, group.SecondaryKey), (found.Model, found.PrimaryKey, found.SecondaryKey));
        Assert.Equal(["acme-oximeters"], (await Registry.ListGroupsAsync()).Select(g => g.Id));
        Assert.Null(await Registry.FindGroupAsync("other"));
    }

    protected static DeviceRecord Device(string id) => new()
    {
        Id = id,
        Manufacturer = "Acme Medical",
        Model = "PulseOx 2",
        Kinds = ["spo2", "heartRate"],
        Credentials = new DeviceCredentials(DeviceAuthenticationType.SymmetricKey, Convert.ToBase64String(new byte[32]), Convert.ToBase64String(new byte[32].Select(_ => (byte)1).ToArray())),
        CreatedAt = T0,
        UpdatedAt = T0,
    };
}
