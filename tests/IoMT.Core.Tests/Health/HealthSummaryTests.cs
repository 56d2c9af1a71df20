using IoMT.Core.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Core.Tests.Health;

public class HealthSummaryTests
{
    [Theory]
    [InlineData(HealthStatus.Healthy, 200)]
    [InlineData(HealthStatus.Degraded, 200)]
    [InlineData(HealthStatus.Unhealthy, 503)]
    public void From_OverallStatus_MapsToHttpStatus(HealthStatus status, int expected)
    {
        var summary = HealthSummary.From(Report(("a", status, null)), "1.2.3");

        Assert.Equal(status.ToString(), summary.Status);
        Assert.Equal(expected, summary.HttpStatusCode);
    }

    [Fact]
    public void From_Entries_SortedByNameWithDescriptionAndNoException()
    {
        var summary = HealthSummary.From(Report(("zeta", HealthStatus.Healthy, "fine"), ("alpha", HealthStatus.Degraded, "slow")), "9.9.9");

        Assert.Equal("9.9.9", summary.Version);
        Assert.Equal(
            [new DependencyHealth("alpha", "Degraded", 12.5, "slow"), new DependencyHealth("zeta", "Healthy", 12.5, "fine")],
            summary.Checks);
    }

    [Fact]
    public void Version_IsStampedByTheBuild()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", ProductInfo.Version);
    }

    private static HealthReport Report(params (string Name, HealthStatus Status, string? Description)[] entries) =>
        new(
            entries.ToDictionary(
                e => e.Name,
                e => new HealthReportEntry(e.Status, e.Description, TimeSpan.FromMilliseconds(12.46), new InvalidOperationException("hidden"), null)),
            TimeSpan.FromMilliseconds(20));
}
