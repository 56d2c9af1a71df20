using IoMT.Core.Devices;
using IoMT.Storage.Cosmos.Directory;

namespace IoMT.Storage.Cosmos.Tests.Directory;

public class CosmosDirectoryContainerTests
{
    [Fact]
    public void ToSql_DevicesWithEveryFilter_ParameterizedInIdOrder()
    {
        var filter = new DeviceFilter("Acme Medical", "PulseOx 2", DeviceStatus.Disabled, "spo2", "patient-1");

        var sql = CosmosDirectoryContainer.ToSql(new DirectoryQuery(DirectoryQueryKind.Devices, filter, "ox-9", 101));

        Assert.Equal(
            "SELECT * FROM c WHERE c.type = @type AND c.deviceId > @after AND c.deleted = false AND c.manufacturer = @manufacturer AND c.model = @model"
            + " AND c.status = @status AND ARRAY_CONTAINS(c.kinds, @kind) AND c.patientId = @patient ORDER BY c.deviceId OFFSET 0 LIMIT @limit",
            sql.QueryText);
        Assert.Contains(sql.GetQueryParameters(), p => p.Name == "@status" && (string)p.Value == "disabled");
    }

    [Fact]
    public void ToSql_PatientsOfCareTeams_ParameterizedInIdOrder()
    {
        var sql = CosmosDirectoryContainer.ToSql(new DirectoryQuery(DirectoryQueryKind.Patients, Limit: 500, CareTeams: ["ward-7", "copd-clinic"]));

        Assert.Equal(
            "SELECT * FROM c WHERE c.type = @type AND EXISTS(SELECT VALUE t FROM t IN c.careTeams WHERE ARRAY_CONTAINS(@teams, t)) ORDER BY c.patientId OFFSET 0 LIMIT @limit",
            sql.QueryText);
        Assert.Equal(["ward-7", "copd-clinic"], (string[])sql.GetQueryParameters().Single(p => p.Name == "@teams").Value);
        Assert.Contains("/careTeams/[]/?", CosmosDirectoryContainer.IndexedPaths);
    }

    [Fact]
    public void ToSql_History_OneDeviceInTimeOrder()
    {
        var sql = CosmosDirectoryContainer.ToSql(new DirectoryQuery(DirectoryQueryKind.DeviceHistory, DeviceId: "ox-1"));

        Assert.Equal("SELECT * FROM c WHERE c.type = @type AND c.deviceId = @deviceId ORDER BY c.id", sql.QueryText);
    }

    [Fact]
    public void Definition_PartitionedByPkAndIndexingOnlyWhatListsUse()
    {
        var definition = CosmosDirectoryContainer.Definition("directory");

        Assert.Equal("/pk", definition.PartitionKeyPath);
        Assert.Contains(definition.IndexingPolicy.ExcludedPaths, p => p.Path == "/*");
        Assert.Equal(CosmosDirectoryContainer.IndexedPaths, definition.IndexingPolicy.IncludedPaths.Select(p => p.Path));
    }
}
