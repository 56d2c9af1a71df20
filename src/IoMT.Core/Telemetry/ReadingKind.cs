namespace IoMT.Core.Telemetry;

/// <summary>What a reading measures. Contract names (<see cref="ReadingKinds.ContractName"/>) are camelCase.</summary>
public enum ReadingKind
{
    HeartRate,
    RespiratoryRate,
    Spo2,
    BodyTemperature,
    BloodPressure,
    Glucose,
    Weight,
    EcgRhythm,
    Consciousness,
    OxygenSupplement,
    InhalerActuation,
    DoseEvent,
    StorageTemperature,
    Battery,
    Steps,
    Fev1,
    Fvc,
    PeakFlow,
}
