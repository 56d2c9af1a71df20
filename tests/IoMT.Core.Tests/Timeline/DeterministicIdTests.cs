using IoMT.Core.Timeline;

namespace IoMT.Core.Tests.Timeline;

/// <summary>Ids are stored: the same parts must give the same id in every release.</summary>
public class DeterministicIdTests
{
    [Theory]
    [InlineData("rd_", "monitor-7", "m-0001", 2L, "rd_e26a1be62f072ba637b63817a4f1dd22")]
    [InlineData("rd_", "d", "m", -5L, "rd_1c704e0b10afa693a38fbe40f639a154")]
    [InlineData("ns_", "patient-1", "news2", 638_700_000_000_000_000L, "ns_0f3a82925c9f8c37cd54f321e16a9083")]
    public void Create_WithANumber_GivesTheIdsOfEarlierReleases(string prefix, string part1, string part2, long part3, string expected) =>
        Assert.Equal(expected, DeterministicId.Create(prefix, part1, part2, part3));

    [Fact]
    public void Create_WithText_GivesTheIdsOfEarlierReleases()
    {
        Assert.Equal("ar_3b89f6d545064fc5ddf846720b655c1c", DeterministicId.Create("ar_", "dédup-ключ"));
        Assert.Equal("a89e9799ca722e24650a64b8bd2621f4", DeterministicId.Create("", "fhir", "Observation", "x"));
    }

    [Fact]
    public void Create_TheReadingEntryId_IsTheIdOfItsDeviceMessageAndIndex()
    {
        var source = new MessageSource("monitor-7", "m-0001", DateTimeOffset.UnixEpoch, "0:1");
        var entry = new ReadingEntry("patient-1", source, 2, new Telemetry.QuantityReading(Telemetry.ReadingKind.HeartRate, DateTimeOffset.UnixEpoch, 70, "/min"));

        Assert.Equal("rd_e26a1be62f072ba637b63817a4f1dd22", entry.Id);
        Assert.Same(entry.Id, entry.Id);
    }
}
