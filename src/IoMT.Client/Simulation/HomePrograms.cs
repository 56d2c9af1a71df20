using IoMT.Core.Alerts;
using IoMT.Core.Patients;

namespace IoMT.Client.Simulation;

/// <summary>
/// The two home-monitoring programs as the simulator plays them: a COPD patient's daily spirometry and pulse oximetry,
/// and a heart-failure patient's daily weight. Days are compressed: one cycle holds <see cref="DaysPerCycle"/> days,
/// each measured once at the start of its day (so a two-minute cycle makes a 12-second day; a cycle of ten days, real days).
/// </summary>
public static class HomePrograms
{
    public const int DaysPerCycle = 10;

    /// <summary>The COPD patient's personal bests (moderate-to-severe COPD) and FVC when well.</summary>
    public const double BestFev1 = 1.6;

    public const double BestPeakFlow = 320;

    public const double WellFvc = 2.9;

    public const double DryWeight = 78.5;

    /// <summary>Their physician's weight-gain limits (kg over about a day, about a week).</summary>
    public const double DayKg = 1.5;

    public const double WeekKg = 2.5;

    /// <summary>
    /// Spirometry as a percentage of personal best, day by day: green (≥ 80 %) for four days, yellow (50–79 %) on days
    /// 4–5, red (&lt; 50 %) on days 6–7, yellow again while recovering.
    /// </summary>
    private static readonly double[] PercentOfBest = [95, 96, 94, 86, 72, 61, 46, 41, 58, 74];

    /// <summary>
    /// Kilograms above dry weight, day by day: stable, then 2.7 kg above the week's lowest on day 5 (no day gains more
    /// than 1.2 kg so far), 1.9 kg in one day on day 6, then diuresis brings it back.
    /// </summary>
    private static readonly double[] AboveDryWeight = [0, 0.1, -0.1, 0.3, 1.4, 2.6, 4.5, 4.8, 3.0, 1.0];

    /// <summary>
    /// The stable week before, which the scale keeps in its memory and uploads when it first connects: from 7 days to 1 day
    /// before. The weight-gain rule compares a weight only with weights 20 hours to 7 days older, so with compressed days
    /// these real days are what the live weights are compared with.
    /// </summary>
    private static readonly double[] WeekBeforeAboveDryWeight = [0.1, -0.1, 0, 0.2, 0, -0.1, 0.1];

    public static bool IsHome(string scenario) => scenario is Scenarios.CopdExacerbation or Scenarios.HeartFailureWeightGain;

    /// <summary>The clinical settings a physician gives the program's patient; null for the other scenarios.</summary>
    public static ClinicalSettings? Settings(string scenario) => scenario switch
    {
        // Scale 2 for a prescribed 88–92 % target, and an SpO2 limit below that target instead of the ward's 90 %.
        Scenarios.CopdExacerbation => new ClinicalSettings
        {
            Spo2Scale = 2,
            Limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["spo2-low"] = new() { RaiseAt = 86, ClearAt = 88 } },
            Baselines = new PersonalBaselines { BestFev1 = BestFev1, BestPeakFlow = BestPeakFlow },
        },
        Scenarios.HeartFailureWeightGain => new ClinicalSettings
        {
            Baselines = new PersonalBaselines { DryWeight = DryWeight },
            WeightGain = new WeightGainLimits { DayKg = DayKg, WeekKg = WeekKg },
        },
        _ => null,
    };

    /// <summary>Why the physician set them (the settings' audited reason).</summary>
    public static string Reason(string scenario) => scenario == Scenarios.CopdExacerbation
        ? "COPD home monitoring: target SpO2 88–92 %, personal bests from the last stable clinic spirometry"
        : "Heart-failure home monitoring: dry weight at discharge, weight-gain limits of the care plan";

    /// <summary>How long one simulated day lasts.</summary>
    public static TimeSpan Day(TimeSpan cycle) => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, cycle.Ticks / DaysPerCycle));

    /// <summary>The day of the cycle at <paramref name="elapsed"/>, 0 to <see cref="DaysPerCycle"/> − 1.</summary>
    public static int DayOf(TimeSpan elapsed, TimeSpan cycle) => (int)(elapsed.Ticks / Day(cycle).Ticks % DaysPerCycle);

    /// <summary>That day's spirometry as a percentage of personal best, before measurement noise.</summary>
    public static double PercentOfBestOn(int day) => PercentOfBest[day];

    /// <summary>That day's weight above dry weight, kg.</summary>
    public static double AboveDryWeightOn(int day) => AboveDryWeight[day];

    /// <summary>The weights in the scale's memory, kg, each with how many days before its first connection it was measured (7 to 1).</summary>
    public static IEnumerable<(int DaysBefore, double Kg)> RememberedWeights() =>
        WeekBeforeAboveDryWeight.Select((above, i) => (WeekBeforeAboveDryWeight.Length - i, Math.Round(DryWeight + above, 1)));
}
