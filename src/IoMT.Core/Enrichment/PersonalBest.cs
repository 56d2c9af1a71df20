using System.Globalization;
using IoMT.Core.Patients;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Enrichment;

/// <summary>Lung function at one instant as a whole percentage of the patient's personal best, and which measure it is.</summary>
public readonly record struct PercentOfBest(double Percent, ReadingKind Measure)
{
    /// <summary>For alert titles: "FEV1 62 % of personal best".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(Measure == ReadingKind.Fev1 ? "FEV1" : "peak flow")} {Percent:0} % of personal best");
}

/// <summary>
/// Spirometry against personal best, as action plans grade it: each measure as a percentage of its own best, rounded to
/// a whole percent (the plans' zones are whole percents: green 80–100, yellow 50–79, red below 50), and the lower of
/// the two, the worse lung function, when both were measured.
/// </summary>
public static class PersonalBest
{
    /// <summary>The lower percentage of the measures given whose baseline is set; null when none is.</summary>
    public static PercentOfBest? Lowest(double? fev1, double? peakFlow, PersonalBaselines baselines)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        var byFev1 = Percent(fev1, baselines.BestFev1, ReadingKind.Fev1);
        var byPeakFlow = Percent(peakFlow, baselines.BestPeakFlow, ReadingKind.PeakFlow);
        return byFev1 is { } f && byPeakFlow is { } p ? (p.Percent < f.Percent ? p : f) : byFev1 ?? byPeakFlow;
    }

    private static PercentOfBest? Percent(double? value, double? best, ReadingKind measure) =>
        value is { } measured && best is > 0 and { } personalBest
            ? new PercentOfBest(Math.Round(measured * 100 / personalBest, MidpointRounding.AwayFromZero), measure)
            : null;
}
