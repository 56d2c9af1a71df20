using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using IoMT.Storage.Cosmos.Devices;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Devices;

/// <summary>The cloud-to-device record contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosCloudToDeviceLogLiveTests : CloudToDeviceLogContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<ICloudToDeviceLog> CreateLogAsync() =>
        new CosmosCloudToDeviceLog(await _live.CreateAsync(CosmosCloudToDeviceContainer.Definition("c2d-" + Guid.NewGuid().ToString("N"))), new ManualClock(T0));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>The device delivery store contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosDeviceDeliveryStoreLiveTests : DeviceDeliveryStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IDeviceDeliveryStore> CreateStoreAsync() =>
        new CosmosDeviceDeliveryStore(await _live.CreateAsync(CosmosCloudToDeviceContainer.Definition("deliveries-" + Guid.NewGuid().ToString("N"))));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}

public class CosmosCloudToDeviceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Definition_PartitionedByPk_TtlOn_IndexesWhatTheQueriesFilterAndSortBy()
    {
        var definition = CosmosCloudToDeviceContainer.Definition("cloud-to-device");

        Assert.Equal(("/pk", -1), (definition.PartitionKeyPath, definition.DefaultTimeToLive));
        Assert.Equal(["/pk/?", "/type/?", "/enqueuedAt/?", "/pending/?", "/queuedAt/?"], definition.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        Assert.Equal("/*", Assert.Single(definition.IndexingPolicy.ExcludedPaths).Path);
    }

    [Fact]
    public void Queries_Parameterized_SortedByIndexedPaths()
    {
        var list = CosmosCloudToDeviceLog.ListQuery(100);
        var pending = CosmosDeviceDeliveryStore.PendingQuery(500);

        Assert.Equal("SELECT * FROM c WHERE c.type = @type ORDER BY c.enqueuedAt DESC OFFSET 0 LIMIT @max", list.QueryText);
        Assert.Equal("SELECT * FROM c WHERE c.type = @type AND c.pending = true ORDER BY c.queuedAt OFFSET 0 LIMIT @max", pending.QueryText);
        Assert.Equal(500, pending.GetQueryParameters().Single(p => p.Name == "@max").Value);
    }

    [Fact]
    public void MessageDocument_InItsDevicesPartition_ExpiresThirtyDaysAfterTheMessage()
    {
        var message = CloudToDeviceLogContract.Message("dispenser-1", "c2d_1", T0);
        var log = new CosmosCloudToDeviceLog(null!, new ManualClock(T0));

        var document = log.Document(message);

        Assert.Equal(("c2d_1", "device:dispenser-1", "message"), ((string)document["id"]!, (string)document["pk"]!, (string)document["type"]!));
        Assert.Equal((long)(TimeSpan.FromMinutes(10) + TimeSpan.FromDays(30)).TotalSeconds, (long)document["ttl"]!);
        Assert.Equal("queued", (string)document["message"]!["status"]!);
    }

    [Fact]
    public void DeliveryDocument_PendingNeverExpires_SettledKeptThirtyDays()
    {
        var pending = CosmosDeviceDeliveryStore.Document(DeviceDeliveryStoreContract.Delivery("k-1", T0));
        var settled = CosmosDeviceDeliveryStore.Document(DeviceDeliveryStoreContract.Delivery("k-1", T0, DeliveryStatus.Failed));

        Assert.Equal((true, -1L), ((bool)pending["pending"]!, (long)pending["ttl"]!));
        Assert.Equal((false, 2_592_000L), ((bool)settled["pending"]!, (long)settled["ttl"]!));
        Assert.Equal(T0.UtcTicks, (long)pending["queuedAt"]!);
    }
}
