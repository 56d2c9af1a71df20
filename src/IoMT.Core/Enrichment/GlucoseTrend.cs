namespace IoMT.Core.Enrichment;

/// <summary>CGM trend arrows with Dexcom's rate-of-change bands (mg/dL per minute).</summary>
public enum TrendArrow
{
    /// <summary>Falling faster than 3 mg/dL/min.</summary>
    DoubleDown,

    /// <summary>Falling more than 2 and up to 3 mg/dL/min.</summary>
    SingleDown,

    /// <summary>Falling more than 1 and up to 2 mg/dL/min.</summary>
    FortyFiveDown,

    /// <summary>Changing by at most 1 mg/dL/min.</summary>
    Flat,

    /// <summary>Rising more than 1 and up to 2 mg/dL/min.</summary>
    FortyFiveUp,

    /// <summary>Rising more than 2 and up to 3 mg/dL/min.</summary>
    SingleUp,

    /// <summary>Rising faster than 3 mg/dL/min.</summary>
    DoubleUp,
}

/// <summary>A CGM glucose point in mg/dL.</summary>
public readonly record struct GlucosePoint(DateTimeOffset At, double MgPerDl);

/// <summary>Rate of change, arrow and the glucose predicted <see cref="GlucoseTrends.PredictionHorizon"/> ahead.</summary>
public sealed record GlucoseTrend(double RateMgPerDlPerMinute, TrendArrow Arrow, double PredictedMgPerDl);

/// <summary>
/// CGM trend model: an ordinary least-squares line through the CGM points of the last
/// <see cref="Window"/> (at least <see cref="MinPoints"/> points spanning at least <see cref="MinSpan"/>). The rate is
/// the line's slope; the prediction extends the line from its value at the newest point by the horizon. A linear
/// model is simple and explainable; it is used only to warn early (e.g. "urgent low soon"), never to hide a low.
/// </summary>
public static class GlucoseTrends
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MinSpan = TimeSpan.FromMinutes(9);
    public static readonly TimeSpan PredictionHorizon = TimeSpan.FromMinutes(20);
    public const int MinPoints = 3;

    /// <summary>Computes the trend at the newest point of <paramref name="points"/> (sorted by time); null when there are too few.</summary>
    public static GlucoseTrend? Compute(IReadOnlyList<GlucosePoint> points) => Compute(points, points?.Count ?? 0);

    /// <summary>Computes the trend at point <c>count − 1</c>, using only the points up to it.</summary>
    public static GlucoseTrend? Compute(IReadOnlyList<GlucosePoint> points, int count)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (count < MinPoints)
        {
            return null;
        }

        var newest = points[count - 1].At;
        var first = count - 1;
        while (first > 0 && newest - points[first - 1].At <= Window)
        {
            first--;
        }

        var used = count - first;
        if (used < MinPoints || newest - points[first].At < MinSpan)
        {
            return null;
        }

        // Minutes relative to the newest point keep the numbers small and exact.
        double sumX = 0, sumY = 0, sumXx = 0, sumXy = 0;
        for (var i = first; i < count; i++)
        {
            var x = (points[i].At - newest).TotalMinutes;
            var y = points[i].MgPerDl;
            sumX += x;
            sumY += y;
            sumXx += x * x;
            sumXy += x * y;
        }

        var slope = ((used * sumXy) - (sumX * sumY)) / ((used * sumXx) - (sumX * sumX));
        var atNewest = (sumY - (slope * sumX)) / used;
        var predicted = atNewest + (slope * PredictionHorizon.TotalMinutes);
        return new GlucoseTrend(slope, ArrowFor(slope), predicted);
    }

    public static TrendArrow ArrowFor(double ratePerMinute) => ratePerMinute switch
    {
        < -3 => TrendArrow.DoubleDown,
        < -2 => TrendArrow.SingleDown,
        < -1 => TrendArrow.FortyFiveDown,
        <= 1 => TrendArrow.Flat,
        <= 2 => TrendArrow.FortyFiveUp,
        <= 3 => TrendArrow.SingleUp,
        _ => TrendArrow.DoubleUp,
    };
}
