using System.Text.Json.Serialization;

namespace IoMT.Core.Fhir;

/// <summary>FHIR JSON: camelCase element names, absent elements omitted (FHIR forbids nulls and empty arrays).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FhirPatient))]
[JsonSerializable(typeof(FhirRelatedPerson))]
[JsonSerializable(typeof(FhirDevice))]
[JsonSerializable(typeof(FhirObservation))]
[JsonSerializable(typeof(FhirFlag))]
[JsonSerializable(typeof(FhirMedicationAdministration))]
[JsonSerializable(typeof(FhirMedicationDispense))]
[JsonSerializable(typeof(FhirCommunication))]
internal sealed partial class FhirJson : JsonSerializerContext;
