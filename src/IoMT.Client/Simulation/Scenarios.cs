namespace IoMT.Client.Simulation;

/// <summary>What the simulator can make a virtual patient go through; the names are the <c>--scenario</c> values.</summary>
public static class Scenarios
{
    public const string Normal = "normal";
    public const string CopdDesaturation = "copd-desaturation";
    public const string AfibEpisode = "afib-episode";
    public const string Hypoglycemia = "hypoglycemia";
    public const string Sepsis = "sepsis";
    public const string MissedDoses = "missed-doses";
    public const string RescueInhalerOveruse = "rescue-inhaler-overuse";
    public const string FridgeExcursion = "fridge-excursion";
    public const string DeviceSilent = "device-silent";
    public const string CopdExacerbation = "copd-exacerbation";
    public const string HeartFailureWeightGain = "heart-failure-weight-gain";

    public static IReadOnlyList<string> All { get; } =
        [Normal, CopdDesaturation, AfibEpisode, Hypoglycemia, Sepsis, MissedDoses, RescueInhalerOveruse, FridgeExcursion, DeviceSilent,
        CopdExacerbation, HeartFailureWeightGain];

    /// <summary>One line per scenario, for help and docs.</summary>
    public static string Describe(string scenario) => scenario switch
    {
        Normal => "stable vitals with physiological noise",
        CopdDesaturation => "SpO2 falls from 93 % to 84 % and stays there, breathing quickens, then recovers",
        AfibEpisode => "an ECG patch reports atrial fibrillation with an irregular fast pulse, then sinus rhythm again",
        Hypoglycemia => "a CGM shows glucose falling fast from 120 to 50 mg/dL, then recovering",
        Sepsis => "pulse, breathing and temperature rise while blood pressure and SpO2 fall: NEWS2 climbs past 7",
        MissedDoses => "a pill dispenser releases each scheduled dose and reports it missed",
        RescueInhalerOveruse => "a smart inhaler reports two puffs of the rescue inhaler every few seconds",
        FridgeExcursion => "a medication fridge warms from 5 °C to 12 °C and cools back",
        DeviceSilent => "the bedside monitor stops sending a quarter into each cycle",
        CopdExacerbation => "a COPD patient at home on SpO2 Scale 2: daily spirometry falls from 95 % of their best into the yellow, then the red zone, then recovers",
        HeartFailureWeightGain => "a heart-failure patient at home: daily weights climb 2.7 kg in a week, then 1.9 kg in a day, then fall back",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown scenario."),
    };
}

/// <summary>The devices a virtual patient wears or uses.</summary>
public enum DeviceRole
{
    Monitor,
    Cgm,
    Ecg,
    Dispenser,
    Inhaler,
    Fridge,

    /// <summary>A home spirometer: FEV1, FVC and peak flow once a day.</summary>
    Spirometer,

    /// <summary>A home fingertip pulse oximeter: SpO2 and pulse once a day.</summary>
    Oximeter,

    /// <summary>A home weighing scale: one weight a day.</summary>
    Scale,
}
