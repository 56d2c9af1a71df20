namespace IoMT.Core.Telemetry;

/// <summary>A code from a terminology (LOINC, SNOMED CT or our own documented codes).</summary>
public sealed record Coding(string System, string Code, string Display)
{
    public const string LoincSystem = "http://loinc.org";
    public const string SnomedSystem = "http://snomed.info/sct";

    /// <summary>Our own code system, for observations no standard terminology covers (documented in docs/telemetry.md).</summary>
    public const string IoMTSystem = "urn:iomt-cloud:codes";

    public static Coding Loinc(string code, string display) => new(LoincSystem, code, display);

    public static Coding Snomed(string code, string display) => new(SnomedSystem, code, display);

    public static Coding IoMT(string code, string display) => new(IoMTSystem, code, display);
}

/// <summary>The codes the product attaches to readings.</summary>
public static class Codes
{
    public static readonly Coding HeartRate = Coding.Loinc("8867-4", "Heart rate");
    public static readonly Coding RespiratoryRate = Coding.Loinc("9279-1", "Respiratory rate");
    public static readonly Coding OxygenSaturation = Coding.Loinc("2708-6", "Oxygen saturation in Arterial blood");
    public static readonly Coding PulseOximetry = Coding.Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry");
    public static readonly Coding BodyTemperature = Coding.Loinc("8310-5", "Body temperature");
    public static readonly Coding BloodPressurePanel = Coding.Loinc("85354-9", "Blood pressure panel with all children optional");
    public static readonly Coding SystolicPressure = Coding.Loinc("8480-6", "Systolic blood pressure");
    public static readonly Coding DiastolicPressure = Coding.Loinc("8462-4", "Diastolic blood pressure");
    public static readonly Coding BodyWeight = Coding.Loinc("29463-7", "Body weight");
    public static readonly Coding CgmGlucoseMass = Coding.Loinc("99504-3", "Glucose [Mass/volume] in Interstitial fluid");
    public static readonly Coding CgmGlucoseMoles = Coding.Loinc("105272-9", "Glucose [Moles/volume] in Interstitial fluid");
    public static readonly Coding MeterGlucoseMass = Coding.Loinc("41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer");
    public static readonly Coding HeartRhythm = Coding.Loinc("8884-9", "Heart rate rhythm");
    public static readonly Coding InhaledOxygenFlow = Coding.Loinc("3151-8", "Inhaled oxygen flow rate");
    /// <summary>A UK Edition SNOMED CT concept (it does not resolve against the International Edition alone).</summary>
    public static readonly Coding Acvpu = Coding.Snomed("1104441000000107", "ACVPU (Alert Confusion Voice Pain Unresponsive) scale score");
    public static readonly Coding OxygenSupplement = Coding.IoMT("oxygen-supplement", "Breathing supplemental oxygen");
    public static readonly Coding InhalerActuation = Coding.IoMT("inhaler-actuation", "Inhaler actuation (puffs)");
    public static readonly Coding DoseEvent = Coding.IoMT("dose-event", "Medication dose event");
    public static readonly Coding StorageTemperature = Coding.IoMT("storage-temperature", "Medication storage temperature");
    public static readonly Coding Battery = Coding.IoMT("battery", "Device battery charge");
    public static readonly Coding Steps = Coding.Loinc("55423-8", "Number of steps in unspecified time Pedometer");
    public static readonly Coding Fev1 = Coding.Loinc("20150-9", "FEV1");
    public static readonly Coding Fvc = Coding.Loinc("19870-5", "Forced vital capacity [Volume] Respiratory system");
    public static readonly Coding PeakFlow = Coding.Loinc("19935-6", "Maximum expiratory gas flow Respiratory system airway by Peak flow meter");
    /// <summary>A UK Edition SNOMED CT concept.</summary>
    public static readonly Coding News2 = Coding.Snomed("1104051000000101", "Royal College of Physicians NEWS2 (National Early Warning Score 2) total score");
}
