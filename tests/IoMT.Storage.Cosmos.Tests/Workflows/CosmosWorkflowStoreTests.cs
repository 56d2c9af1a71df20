using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Storage.Cosmos.Workflows;
using IoMT.Testing;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Tests.Workflows;

public class CosmosWorkflowStoreTests
{
    [Fact]
    public void ListQuery_EveryFilter_ParameterizedAndSortedByTheCompositeIndex()
    {
        var query = CosmosWorkflowStore.ListQuery(new AlertFilter(AlertFilter.Open, AlertPriority.High, ["p-1", "p-2"]), 50);

        Assert.Equal(
            "SELECT * FROM c WHERE c.type = @type AND ARRAY_CONTAINS(@statuses, c.status) AND c.priority = @priority"
            + " AND ARRAY_CONTAINS(@patients, c.patientId) ORDER BY c.priorityRank DESC, c.raisedAt ASC OFFSET 0 LIMIT @limit",
            query.QueryText);
        var parameters = query.GetQueryParameters().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(["triggered", "acknowledged", "snoozed"], (string[])parameters["@statuses"]);
        Assert.Equal("high", parameters["@priority"]);
        Assert.Equal(50, parameters["@limit"]);
    }

    [Fact]
    public void ListQuery_NoStatus_OpenAlerts()
    {
        var query = CosmosWorkflowStore.ListQuery(new AlertFilter(), 10);

        Assert.Equal(
            "SELECT * FROM c WHERE c.type = @type AND ARRAY_CONTAINS(@statuses, c.status) ORDER BY c.priorityRank DESC, c.raisedAt ASC OFFSET 0 LIMIT @limit",
            query.QueryText);
        Assert.Equal(["triggered", "acknowledged", "snoozed"], (string[])query.GetQueryParameters().Single(p => p.Name == "@statuses").Value);
    }

    [Fact]
    public void Definition_PartitionedByPatient_IndexesEveryQueriedFieldAndTheSortOrder()
    {
        var definition = CosmosWorkflowStore.Definition("alerts");

        Assert.Equal("/patientId", definition.PartitionKeyPath);
        Assert.Equal(-1, definition.DefaultTimeToLive);
        var composite = Assert.Single(definition.IndexingPolicy.CompositeIndexes);
        Assert.Equal([("/priorityRank", CompositePathSortOrder.Descending), ("/raisedAt", CompositePathSortOrder.Ascending)], composite.Select(p => (p.Path, p.Order)));
        foreach (var field in new[] { "type", "status", "priority", "priorityRank", "raisedAt", "until" })
        {
            Assert.Contains($"/{field}/?", definition.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        }
    }

    [Fact]
    public void AlertDocument_CarriesTheQueriedFieldsAndTheWholeState()
    {
        var state = WorkflowStoreContract.State("p-1", "spo2-low", AlertPriority.High, new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero), sequence: 7);

        var document = CosmosWorkflowStore.AlertDocument(state);

        Assert.Equal(state.Alert.AlertId, (string)document["id"]!);
        Assert.Equal("p-1", (string)document["patientId"]!);
        Assert.Equal("triggered", (string)document["status"]!);
        Assert.Equal(2, (int)document["priorityRank"]!);
        Assert.Equal(7, (int)document["sequence"]!);
        Assert.Equal(state.Alert.AlertId, (string)document["state"]!["alert"]!["alertId"]!);
    }
}
