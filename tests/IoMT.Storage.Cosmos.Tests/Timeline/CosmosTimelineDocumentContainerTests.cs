using System.Text.Json;
using IoMT.Core.Timeline;
using IoMT.Storage.Cosmos.Timeline;

namespace IoMT.Storage.Cosmos.Tests.Timeline;

public class CosmosTimelineDocumentContainerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToSql_AllFilters_ParameterizedAndFilteredByPatientFirst()
    {
        var query = new DocumentQuery("p-1", ["2026-11"], T0, T0.AddHours(1), "spo2", DocumentOrder.MinAtAscending, [3, 4]);

        var sql = CosmosTimelineDocumentContainer.ToSql(query);

        Assert.Equal(
            "SELECT * FROM c WHERE c.patientId = @patient AND c.docType = @docType AND ARRAY_CONTAINS(@months, c.month) AND c.maxAt >= @maxAtAtLeast AND c.minAt < @minAtBefore AND ARRAY_CONTAINS(c.codes, @code) AND (ARRAY_CONTAINS(c.types, @type0) OR ARRAY_CONTAINS(c.types, @type1)) ORDER BY c.minAt ASC",
            sql.QueryText);
        Assert.Equal(
            ["@patient", "@docType", "@months", "@maxAtAtLeast", "@minAtBefore", "@code", "@type0", "@type1"],
            sql.GetQueryParameters().Select(p => p.Name));
        Assert.Contains(sql.GetQueryParameters(), p => p.Name == "@maxAtAtLeast" && (string)p.Value == "2026-11-21T08:00:00.0000000Z");
    }

    [Fact]
    public void ToSql_LatestValues_NewestFirstWithoutTimeFilters()
    {
        var sql = CosmosTimelineDocumentContainer.ToSql(new DocumentQuery("p-1", null, null, null, "spo2", DocumentOrder.MaxAtDescending));

        Assert.Equal("SELECT * FROM c WHERE c.patientId = @patient AND c.docType = @docType AND ARRAY_CONTAINS(c.codes, @code) ORDER BY c.maxAt DESC", sql.QueryText);
    }

    [Fact]
    public void Definition_HierarchicalKeyTimeToLiveAndOnlyQueriedPathsIndexed()
    {
        var definition = CosmosTimelineDocumentContainer.Definition("timeline");

        Assert.Equal(["/patientId", "/month"], definition.PartitionKeyPaths);
        Assert.Equal(-1, definition.DefaultTimeToLive);
        Assert.Equal(["/patientId/?", "/month/?", "/minAt/?", "/maxAt/?", "/codes/[]/?", "/types/[]/?"], definition.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        Assert.Equal(["/*"], definition.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
    }

    [Fact]
    public void TimelineDocument_JsonRoundTrip_EntriesWithTheirDataAndOffsets()
    {
        var entry = new TimelineRecord("rd_1", "p-1", new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.FromHours(1)), TimelineEntryType.Reading, "bloodPressure",
            120, 80, "cuff-1", """{"reading":{"$type":"bloodPressure","systolic":120}}""");
        var document = new TimelineDocument("tl_1", "p-1", "2026-11", entry.At, entry.At, 42, 3600, ["bloodPressure"], [0], [entry]);

        using var json = JsonDocument.Parse(document.ToJson());
        var read = TimelineDocument.FromJson(json.RootElement);

        Assert.Equal(entry, Assert.Single(read.Entries));
        Assert.Equal(entry.At.Offset, read.Entries[0].At.Offset);
        Assert.Equal((document.Id, document.Month, document.Written, document.TimeToLiveSeconds), (read.Id, read.Month, read.Written, read.TimeToLiveSeconds));
        Assert.Equal("2026-11-21T08:00:00.0000000Z", json.RootElement.GetProperty("minAt").GetString());
    }

    [Fact]
    public void PackIntoBatches_RespectsOperationAndSizeLimitsInOrder()
    {
        var small = Enumerable.Range(0, 250).Select(i => new byte[] { (byte)i }).ToList();
        var large = Enumerable.Range(0, 5).Select(_ => new byte[700_000]).ToList();

        var bySize = CosmosTimelineDocumentContainer.PackIntoBatches(large);
        var byCount = CosmosTimelineDocumentContainer.PackIntoBatches(small);

        Assert.Equal([2, 2, 1], bySize.Select(b => b.Count));
        Assert.Equal([100, 100, 50], byCount.Select(b => b.Count));
        Assert.Equal(small, byCount.SelectMany(b => b));
    }
}
