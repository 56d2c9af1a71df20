namespace IoMT.Core.Enrichment;

/// <summary>NEWS2 clinical risk bands (RCP 2017): they decide the clinical response.</summary>
public enum News2Band
{
    /// <summary>Aggregate 0–4: ward-based response.</summary>
    Low,

    /// <summary>A single parameter scoring 3 with an aggregate of 0–4: urgent ward-based response.</summary>
    LowMedium,

    /// <summary>Aggregate 5–6: key threshold for urgent response.</summary>
    Medium,

    /// <summary>Aggregate 7 or more: urgent or emergency response.</summary>
    High,
}

/// <summary>The physiological parameters NEWS2 scores; null means not measured (the score is then incomplete).</summary>
public readonly record struct News2Input(
    double? RespiratoryRate,
    double? Spo2,
    int Spo2Scale,
    bool? OnOxygen,
    double? Systolic,
    double? Pulse,
    string? Consciousness,
    double? Temperature);

/// <summary>Each parameter's score; null when it could not be scored.</summary>
public readonly record struct News2Scores(
    int? RespiratoryRate,
    int? Spo2,
    int? OnOxygen,
    int? Systolic,
    int? Pulse,
    int? Consciousness,
    int? Temperature)
{
    public int Total => (RespiratoryRate ?? 0) + (Spo2 ?? 0) + (OnOxygen ?? 0) + (Systolic ?? 0) + (Pulse ?? 0) + (Consciousness ?? 0) + (Temperature ?? 0);

    public bool IsComplete => RespiratoryRate.HasValue && Spo2.HasValue && OnOxygen.HasValue && Systolic.HasValue
        && Pulse.HasValue && Consciousness.HasValue && Temperature.HasValue;

    public bool AnyScoresThree => RespiratoryRate == 3 || Spo2 == 3 || Systolic == 3 || Pulse == 3 || Consciousness == 3 || Temperature == 3;
}

/// <summary>
/// A NEWS2 result. When <see cref="Complete"/> is false the total is a lower bound of the true score (missing
/// parameters can only add points), which is safe for raising alerts but not for clearing them.
/// </summary>
public readonly record struct News2Result(int Total, News2Scores Scores, bool SingleParameter3, News2Band Band, bool Complete);

/// <summary>
/// National Early Warning Score 2, Royal College of Physicians 2017, chart 1 (scoring) and chart 2 (thresholds and
/// triggers). Values are rounded the way they are charted before scoring: rates, saturation and pressure to whole
/// numbers, temperature to one decimal (half away from zero).
/// </summary>
public static class News2
{
    public const int MediumThreshold = 5;
    public const int HighThreshold = 7;

    public static News2Result Score(in News2Input input)
    {
        var scores = new News2Scores(
            Score(input.RespiratoryRate, RespiratoryRate),
            input.Spo2 is { } spo2 ? Spo2(spo2, input.Spo2Scale, input.OnOxygen) : null,
            input.OnOxygen is { } onOxygen ? AirOrOxygen(onOxygen) : null,
            Score(input.Systolic, Systolic),
            Score(input.Pulse, Pulse),
            input.Consciousness is { } level ? Consciousness(level) : null,
            Score(input.Temperature, Temperature));
        var total = scores.Total;
        var single3 = scores.AnyScoresThree;
        var band = total >= HighThreshold ? News2Band.High
            : total >= MediumThreshold ? News2Band.Medium
            : single3 ? News2Band.LowMedium
            : News2Band.Low;
        return new News2Result(total, scores, single3, band, scores.IsComplete);
    }

    /// <summary>Respiration rate per minute: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3.</summary>
    public static int RespiratoryRate(double perMinute) => Whole(perMinute) switch
    {
        <= 8 => 3,
        <= 11 => 1,
        <= 20 => 0,
        <= 24 => 2,
        _ => 3,
    };

    /// <summary>
    /// SpO2 %. Scale 1: ≤91 → 3, 92–93 → 2, 94–95 → 1, ≥96 → 0. Scale 2 (hypercapnic respiratory failure, prescribed
    /// target 88–92 %): ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0 and ≥93 on air → 0; on oxygen 93–94 → 1, 95–96 → 2,
    /// ≥97 → 3. Returns null for scale 2 at ≥93 % when it is not known whether the patient is on oxygen.
    /// </summary>
    public static int? Spo2(double percent, int scale, bool? onOxygen)
    {
        var value = Whole(percent);
        if (scale != 2)
        {
            return value switch
            {
                <= 91 => 3,
                <= 93 => 2,
                <= 95 => 1,
                _ => 0,
            };
        }

        if (value <= 92)
        {
            return value switch
            {
                <= 83 => 3,
                <= 85 => 2,
                <= 87 => 1,
                _ => 0,
            };
        }

        return onOxygen switch
        {
            null => null,
            false => 0,
            true => value switch
            {
                <= 94 => 1,
                <= 96 => 2,
                _ => 3,
            },
        };
    }

    /// <summary>Air → 0, supplemental oxygen → 2.</summary>
    public static int AirOrOxygen(bool onOxygen) => onOxygen ? 2 : 0;

    /// <summary>Systolic blood pressure mm[Hg]: ≤90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, ≥220 → 3.</summary>
    public static int Systolic(double mmHg) => Whole(mmHg) switch
    {
        <= 90 => 3,
        <= 100 => 2,
        <= 110 => 1,
        <= 219 => 0,
        _ => 3,
    };

    /// <summary>Pulse per minute: ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3.</summary>
    public static int Pulse(double perMinute) => Whole(perMinute) switch
    {
        <= 40 => 3,
        <= 50 => 1,
        <= 90 => 0,
        <= 110 => 1,
        <= 130 => 2,
        _ => 3,
    };

    /// <summary>Alert → 0; new confusion, voice, pain or unresponsive → 3.</summary>
    public static int Consciousness(string acvpu) => acvpu == "A" ? 0 : 3;

    /// <summary>Temperature °C: ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2.</summary>
    public static int Temperature(double celsius) => Math.Round(celsius, 1, MidpointRounding.AwayFromZero) switch
    {
        <= 35.0 => 3,
        <= 36.0 => 1,
        <= 38.0 => 0,
        <= 39.0 => 1,
        _ => 2,
    };

    private static int? Score(double? value, Func<double, int> score) => value is { } v ? score(v) : null;

    private static double Whole(double value) => Math.Round(value, MidpointRounding.AwayFromZero);
}
