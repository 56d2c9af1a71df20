using IoMT.Core.Patients;

namespace IoMT.Client.Simulation;

/// <summary>What a virtual patient's body (and medication fridge) measure at one moment.</summary>
public readonly record struct Vitals(
    double HeartRate, double Spo2, double RespiratoryRate, double Temperature, double Systolic, double Diastolic, double Glucose, string Rhythm,
    double FridgeTemperature);

/// <summary>What a home patient measures on one day: spirometry (L, L/min), a spot SpO2 and pulse, and their weight (kg).</summary>
public readonly record struct HomeMeasurements(double Fev1, double Fvc, double PeakFlow, double Spo2, double HeartRate, double Weight);

/// <summary>
/// A virtual patient: seeded baselines plus physiological noise, shaped by a scenario that plays out over one cycle
/// (two minutes by default, so a scenario is visible within a minute) and repeats. Deterministic: the same seed and
/// time give the same vitals.
/// </summary>
public sealed class VirtualPatient
{
    private readonly int _seed;
    private readonly double _heartRate;
    private readonly double _spo2;
    private readonly double _respiratoryRate;
    private readonly double _temperature;
    private readonly double _systolic;
    private readonly double _diastolic;
    private readonly double _glucose;

    public VirtualPatient(string patientId, string scenario, int seed, TimeSpan cycle)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        if (!Scenarios.All.Contains(scenario))
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown scenario.");
        }

        (PatientId, Scenario, Cycle, _seed) = (patientId, scenario, cycle, seed);
        _heartRate = 66 + (14 * Unit(0));
        _spo2 = scenario == Scenarios.CopdDesaturation ? 93 : 96 + (2 * Unit(1));
        _respiratoryRate = 13 + (4 * Unit(2));
        _temperature = 36.6 + (0.4 * Unit(3));
        _systolic = 116 + (14 * Unit(4));
        _diastolic = 72 + (8 * Unit(5));
        _glucose = 105 + (20 * Unit(6));
    }

    public string PatientId { get; }

    /// <summary>Who the patient is (synthetic), where, and who cares for them; by default only their care team.</summary>
    public PatientRecord Profile
    {
        get => field ?? new PatientRecord(PatientId, [SimulationOptions.CareTeam]);
        init;
    }

    /// <summary>The clinical settings their physician gives them; null when the defaults do.</summary>
    public ClinicalSettings? Settings => HomePrograms.Settings(Scenario);

    public string Scenario { get; }

    public TimeSpan Cycle { get; }

    /// <summary>Where in its cycle the scenario is, from 0 to 1.</summary>
    public double Phase(TimeSpan elapsed) => elapsed.TotalSeconds % Cycle.TotalSeconds / Cycle.TotalSeconds;

    public Vitals At(TimeSpan elapsed)
    {
        var p = Phase(elapsed);
        var step = (long)elapsed.TotalSeconds;
        double Jitter(int channel, double scale) => Noise(_seed, step, channel) * scale;

        var heartRate = _heartRate + Jitter(10, 2);
        var spo2 = _spo2 + Jitter(11, 0.6);
        var respiratoryRate = _respiratoryRate + Jitter(12, 0.7);
        var temperature = _temperature + Jitter(13, 0.05);
        var systolic = _systolic + Jitter(14, 3);
        var diastolic = _diastolic + Jitter(15, 2);
        var glucose = _glucose + Jitter(16, 2);
        var rhythm = "sinus";
        var fridge = 5 + Jitter(17, 0.3);

        switch (Scenario)
        {
            case Scenarios.CopdDesaturation:
                var dip = Ramp(p, 0.05, 0.2) - Ramp(p, 0.7, 0.85);
                (spo2, respiratoryRate, heartRate) = (spo2 - (9 * dip), respiratoryRate + (7 * dip), heartRate + (12 * dip));
                break;
            case Scenarios.AfibEpisode when p is >= 0.1 and < 0.75:
                (rhythm, heartRate) = ("afib", 118 + (32 * Math.Abs(Jitter(18, 1))));
                break;
            case Scenarios.Hypoglycemia:
                glucose = p < 0.5 ? 120 - (140 * p) : p < 0.75 ? 50 + Jitter(19, 1) : 50 + (60 * Ramp(p, 0.75, 1));
                break;
            case Scenarios.Sepsis:
                var s = Ramp(p, 0, 0.5);
                (heartRate, respiratoryRate, temperature) = (heartRate + (45 * s), respiratoryRate + (12 * s), temperature + (2.4 * s));
                (systolic, diastolic, spo2) = (systolic - (30 * s), diastolic - (15 * s), spo2 - (5 * s));
                break;
            case Scenarios.FridgeExcursion:
                fridge += 7 * (Ramp(p, 0.1, 0.35) - Ramp(p, 0.8, 0.95));
                break;
        }

        return new Vitals(
            Math.Round(Math.Clamp(heartRate, 30, 220)),
            Math.Round(Math.Clamp(spo2, 70, 100)),
            Math.Round(Math.Clamp(respiratoryRate, 6, 50)),
            Math.Round(temperature, 1),
            Math.Round(systolic),
            Math.Round(diastolic),
            Math.Round(Math.Clamp(glucose, 40, 400)),
            rhythm,
            Math.Round(fridge, 1));
    }

    /// <summary>A home program's measurements on the simulated day at <paramref name="elapsed"/>; the noise changes once a day (a 0.1 kg scale shows none).</summary>
    public HomeMeasurements MeasuredAt(TimeSpan elapsed)
    {
        var day = HomePrograms.DayOf(elapsed, Cycle);
        var dayNumber = elapsed.Ticks / HomePrograms.Day(Cycle).Ticks;
        double Jitter(int channel, double scale) => Noise(_seed, dayNumber, channel) * scale;

        var percent = HomePrograms.PercentOfBestOn(day);
        var worse = (95 - percent) / 100;
        return new HomeMeasurements(
            Math.Round(HomePrograms.BestFev1 * (percent + Jitter(20, 2)) / 100, 2),
            Math.Round(HomePrograms.WellFvc * (1 - (0.6 * worse)) * (1 + Jitter(21, 0.02)), 2),
            Math.Round(HomePrograms.BestPeakFlow * (percent + Jitter(22, 2)) / 100),
            Math.Round(91 - (6 * worse) + Jitter(23, 0.4)),
            Math.Round(76 + (30 * worse) + Jitter(24, 2)),
            Math.Round(HomePrograms.DryWeight + HomePrograms.AboveDryWeightOn(day), 1));
    }

    /// <summary>0 before <paramref name="start"/>, 1 after <paramref name="end"/>, linear between.</summary>
    internal static double Ramp(double p, double start, double end) => Math.Clamp((p - start) / (end - start), 0, 1);

    /// <summary>A deterministic value in [−1, 1] for a seed, a second and a channel (SplitMix64).</summary>
    internal static double Noise(int seed, long step, int channel)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + ((ulong)step * 0xBF58476D1CE4E5B9UL) + ((ulong)channel * 0x94D049BB133111EBUL));
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return ((x >> 11) * (1.0 / (1UL << 53)) * 2) - 1;
    }

    private double Unit(int channel) => (Noise(_seed, -1, channel) + 1) / 2;
}
