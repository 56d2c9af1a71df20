using IoMT.Core.Enrichment;
using IoMT.Testing;

namespace IoMT.Core.Tests.Enrichment;

public class GlucoseTrendTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    [Fact]
    public void Compute_FallingTwoPerMinute_SlopeArrowAndTwentyMinutePrediction()
    {
        var points = Series((0, 120), (5, 110), (10, 100), (15, 90));

        var trend = GlucoseTrends.Compute(points)!;

        Assert.Equal(-2.0, trend.RateMgPerDlPerMinute, 9);
        Assert.Equal(TrendArrow.FortyFiveDown, trend.Arrow);
        Assert.Equal(50.0, trend.PredictedMgPerDl, 9);
    }

    [Fact]
    public void Compute_NoisySeries_LeastSquaresLine()
    {
        // x = -15, -10, -5, 0 min; y = 100, 101, 103, 104: Sxy = 35, Sxx = 125 → slope 0.28; line at 0 = 102 + 0.28 × 7.5 = 104.1.
        var points = Series((0, 100), (5, 101), (10, 103), (15, 104));

        var trend = GlucoseTrends.Compute(points)!;

        Assert.Equal(0.28, trend.RateMgPerDlPerMinute, 9);
        Assert.Equal(104.1 + (0.28 * 20), trend.PredictedMgPerDl, 9);
    }

    [Fact]
    public void Compute_NoiseAroundFlat_ZeroSlopeWhereEndpointsWouldSuggestARise()
    {
        var trend = GlucoseTrends.Compute(Series((0, 100), (5, 104), (10, 98), (15, 102)))!;

        Assert.Equal(0, trend.RateMgPerDlPerMinute, 9);
        Assert.Equal(TrendArrow.Flat, trend.Arrow);
    }

    [Fact]
    public void Compute_UsesOnlyTheLastFifteenMinutes()
    {
        var points = Series((0, 300), (10, 100), (15, 100), (20, 100), (25, 100));

        var trend = GlucoseTrends.Compute(points)!;

        Assert.Equal(0, trend.RateMgPerDlPerMinute, 9);
    }

    [Fact]
    public void Compute_TooFewPointsOrTooShortSpan_NoTrend()
    {
        Assert.Null(GlucoseTrends.Compute(Series((0, 100), (5, 95))));
        Assert.Null(GlucoseTrends.Compute(Series((0, 100), (2, 95), (4, 90), (6, 85))));
        Assert.NotNull(GlucoseTrends.Compute(Series((0, 100), (5, 95), (9, 90))));
    }

    [Theory]
    [InlineData(-3.5, TrendArrow.DoubleDown)]
    [InlineData(-3.01, TrendArrow.DoubleDown)]
    [InlineData(-3.0, TrendArrow.SingleDown)]
    [InlineData(-2.01, TrendArrow.SingleDown)]
    [InlineData(-2.0, TrendArrow.FortyFiveDown)]
    [InlineData(-1.01, TrendArrow.FortyFiveDown)]
    [InlineData(-1.0, TrendArrow.Flat)]
    [InlineData(0, TrendArrow.Flat)]
    [InlineData(1.0, TrendArrow.Flat)]
    [InlineData(1.01, TrendArrow.FortyFiveUp)]
    [InlineData(2.0, TrendArrow.FortyFiveUp)]
    [InlineData(2.01, TrendArrow.SingleUp)]
    [InlineData(3.0, TrendArrow.SingleUp)]
    [InlineData(3.01, TrendArrow.DoubleUp)]
    public void ArrowFor_RateBands(double rate, TrendArrow arrow) => Assert.Equal(arrow, GlucoseTrends.ArrowFor(rate));

    private static List<GlucosePoint> Series(params (int Minute, double MgPerDl)[] points) =>
        [.. points.Select(p => new GlucosePoint(T0.AddMinutes(p.Minute), p.MgPerDl))];
}
