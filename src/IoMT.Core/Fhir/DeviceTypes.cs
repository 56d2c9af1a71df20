using IoMT.Core.Telemetry;

namespace IoMT.Core.Fhir;

/// <summary>
/// Device types as ISO/IEEE 11073-10101 device specialization codes (MDC partition 8, the personal health device
/// profiles of ISO/IEEE 11073-104xx, as the FHIR device-type value set and the HL7 PHD IG use them), chosen from the
/// reading kinds a device sends, most specific first. Kinds without a specialization (a fridge, a battery) give no type.
/// </summary>
internal static class DeviceTypes
{
    public const string MdcSystem = "urn:iso:std:iso:11073:10101";

    private static readonly (ReadingKind Kind, string Code, string Name, string Text)[] ByKind =
    [
        (ReadingKind.BloodPressure, "528391", "MDC_DEV_SPEC_PROFILE_BP", "Blood pressure monitor"),
        (ReadingKind.EcgRhythm, "528390", "MDC_DEV_SPEC_PROFILE_ECG", "Electrocardiograph"),
        // ISO/IEEE 11073-10421 (peak expiratory flow monitor) covers PEF, FEV1 and FEV6: a home spirometer.
        (ReadingKind.PeakFlow, "528405", "MDC_DEV_SPEC_PROFILE_PEAK_FLOW", "Peak expiratory flow monitor"),
        (ReadingKind.Fev1, "528405", "MDC_DEV_SPEC_PROFILE_PEAK_FLOW", "Peak expiratory flow monitor"),
        (ReadingKind.Fvc, "528405", "MDC_DEV_SPEC_PROFILE_PEAK_FLOW", "Peak expiratory flow monitor"),
        (ReadingKind.Spo2, "528388", "MDC_DEV_SPEC_PROFILE_PULS_OXIM", "Pulse oximeter"),
        (ReadingKind.BodyTemperature, "528392", "MDC_DEV_SPEC_PROFILE_TEMP", "Thermometer"),
        (ReadingKind.Weight, "528399", "MDC_DEV_SPEC_PROFILE_SCALE", "Weighing scale"),
        (ReadingKind.RespiratoryRate, "528397", "MDC_DEV_SPEC_PROFILE_RESP_RATE", "Respiration rate monitor"),
        (ReadingKind.DoseEvent, "528456", "MDC_DEV_SPEC_PROFILE_AI_MED_MINDER", "Medication monitor"),
        (ReadingKind.InhalerActuation, "528456", "MDC_DEV_SPEC_PROFILE_AI_MED_MINDER", "Medication monitor"),
    ];

    public static FhirCodeableConcept? For(IReadOnlyCollection<string> kinds, bool sentCgm)
    {
        if (kinds.Contains(ReadingKind.Glucose.ContractName()))
        {
            return sentCgm
                ? Concept("528409", "MDC_DEV_SPEC_PROFILE_CGM", "Continuous glucose monitor")
                : Concept("528401", "MDC_DEV_SPEC_PROFILE_GLUCOSE", "Glucose meter");
        }

        return ByKind.FirstOrDefault(t => kinds.Contains(t.Kind.ContractName())) is { Code: not null } type ? Concept(type.Code, type.Name, type.Text) : null;
    }

    private static FhirCodeableConcept Concept(string code, string name, string text) => new([new FhirCoding(MdcSystem, code, name)], text);
}
