using System.Text.Json.Serialization;

namespace IoMT.Core.Fhir;

// The subset of FHIR R4 (4.0.1) the export writes, as plain records; element names are FHIR's, in FHIR's order.

public sealed record FhirCoding(string System, string Code, string? Display = null);

public sealed record FhirCodeableConcept(IReadOnlyList<FhirCoding>? Coding = null, string? Text = null)
{
    public static FhirCodeableConcept Of(params FhirCoding[] codings) => new(codings);
}

public sealed record FhirIdentifier(string System, string Value)
{
    [JsonPropertyOrder(-1)]
    public FhirCodeableConcept? Type { get; init; }
}

/// <summary>A person's name as one text: how people from many cultures order and split their names is not ours to guess.</summary>
public sealed record FhirHumanName(string Use, string Text);

/// <summary>A way to reach someone; <see cref="System"/> is <c>email</c>, <c>sms</c>, <c>url</c>…</summary>
public sealed record FhirContactPoint(string System, string Value);

/// <summary>A Quantity with a UCUM unit: <see cref="Unit"/> for people, <see cref="Code"/> for machines.</summary>
public sealed record FhirQuantity(double Value, string Unit, string System, string Code);

/// <summary>A reference: inside the bundle by <see cref="Reference"/>, or to a resource outside it by <see cref="Type"/> and <see cref="Identifier"/> alone.</summary>
public sealed record FhirReference(string? Reference, FhirIdentifier? Identifier = null)
{
    [JsonPropertyOrder(-1)]
    public string? Type { get; init; }
}

public sealed record FhirPeriod(string? Start, string? End = null);

public sealed record FhirMeta(IReadOnlyList<string> Profile);

public sealed record FhirExtension(string Url, FhirCodeableConcept ValueCodeableConcept);

/// <summary>What every resource has. <see cref="ResourceType"/> comes first, as FHIR JSON readers expect.</summary>
public abstract record FhirResource([property: JsonPropertyOrder(-3)] string ResourceType)
{
    [JsonPropertyOrder(-2)]
    public required string Id { get; init; }

    [JsonPropertyOrder(-1)]
    public FhirMeta? Meta { get; init; }
}

public sealed record FhirPatient() : FhirResource("Patient")
{
    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    public IReadOnlyList<FhirHumanName>? Name { get; init; }

    /// <summary>A FHIR date, yyyy-MM-dd.</summary>
    public string? BirthDate { get; init; }
}

/// <summary>Someone who cares for or about the patient (a caregiver, a relative), and how to reach them.</summary>
public sealed record FhirRelatedPerson() : FhirResource("RelatedPerson")
{
    public required FhirReference Patient { get; init; }

    public required IReadOnlyList<FhirCodeableConcept> Relationship { get; init; }

    public required IReadOnlyList<FhirHumanName> Name { get; init; }

    public IReadOnlyList<FhirContactPoint>? Telecom { get; init; }
}

/// <summary>A Device name; <see cref="Type"/> from the R4 device-nametype codes (<c>user-friendly-name</c>, <c>model-name</c>…).</summary>
public sealed record FhirDeviceName(string Name, string Type);

public sealed record FhirDevice() : FhirResource("Device")
{
    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    public string? Manufacturer { get; init; }

    public string? SerialNumber { get; init; }

    public IReadOnlyList<FhirDeviceName>? DeviceName { get; init; }

    public FhirCodeableConcept? Type { get; init; }
}

public sealed record FhirObservationComponent(FhirCodeableConcept Code, FhirQuantity? ValueQuantity = null)
{
    public FhirCodeableConcept? ValueCodeableConcept { get; init; }

    public int? ValueInteger { get; init; }

    /// <summary>Why the value is missing (http://terminology.hl7.org/CodeSystem/data-absent-reason).</summary>
    public FhirCodeableConcept? DataAbsentReason { get; init; }
}

public sealed record FhirObservation() : FhirResource("Observation")
{
    public IReadOnlyList<FhirIdentifier>? Identifier { get; init; }

    public string Status { get; init; } = "final";

    public IReadOnlyList<FhirCodeableConcept>? Category { get; init; }

    public required FhirCodeableConcept Code { get; init; }

    public required FhirReference Subject { get; init; }

    public required string EffectiveDateTime { get; init; }

    public FhirQuantity? ValueQuantity { get; init; }

    public FhirCodeableConcept? ValueCodeableConcept { get; init; }

    public bool? ValueBoolean { get; init; }

    public int? ValueInteger { get; init; }

    public FhirReference? Device { get; init; }

    public IReadOnlyList<FhirReference>? DerivedFrom { get; init; }

    public IReadOnlyList<FhirObservationComponent>? Component { get; init; }
}

public sealed record FhirFlag() : FhirResource("Flag")
{
    public IReadOnlyList<FhirExtension>? Extension { get; init; }

    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    /// <summary><c>active</c> while the alert episode is open, <c>inactive</c> once it cleared.</summary>
    public required string Status { get; init; }

    public required IReadOnlyList<FhirCodeableConcept> Category { get; init; }

    public required FhirCodeableConcept Code { get; init; }

    public required FhirReference Subject { get; init; }

    public required FhirPeriod Period { get; init; }
}

public sealed record FhirDosage(FhirQuantity Dose);

/// <summary>A Dosage's timing: the instants it was due (<c>Timing.event</c>).</summary>
public sealed record FhirTiming(IReadOnlyList<string> Event);

public sealed record FhirDosageInstruction(FhirTiming Timing);

/// <summary>
/// The request behind one dose, contained in the administration or dispense that refers to it: it carries the dose's
/// scheduled time as its dosage timing.
/// </summary>
public sealed record FhirMedicationRequest() : FhirResource("MedicationRequest")
{
    public required string Status { get; init; }

    public required string Intent { get; init; }

    public required FhirCodeableConcept MedicationCodeableConcept { get; init; }

    public required FhirReference Subject { get; init; }

    public required IReadOnlyList<FhirDosageInstruction> DosageInstruction { get; init; }
}

public sealed record FhirMedicationAdministration() : FhirResource("MedicationAdministration")
{
    public IReadOnlyList<FhirMedicationRequest>? Contained { get; init; }

    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    public required string Status { get; init; }

    public IReadOnlyList<FhirCodeableConcept>? StatusReason { get; init; }

    public required FhirCodeableConcept MedicationCodeableConcept { get; init; }

    public required FhirReference Subject { get; init; }

    public required string EffectiveDateTime { get; init; }

    public FhirReference? Request { get; init; }

    public IReadOnlyList<FhirReference>? Device { get; init; }

    public FhirDosage? Dosage { get; init; }
}

public sealed record FhirPerformer(FhirReference Actor);

public sealed record FhirMedicationDispense() : FhirResource("MedicationDispense")
{
    public IReadOnlyList<FhirMedicationRequest>? Contained { get; init; }

    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    public required string Status { get; init; }

    public required FhirCodeableConcept MedicationCodeableConcept { get; init; }

    public required FhirReference Subject { get; init; }

    public IReadOnlyList<FhirPerformer>? Performer { get; init; }

    public IReadOnlyList<FhirReference>? AuthorizingPrescription { get; init; }

    public string? WhenPrepared { get; init; }
}

public sealed record FhirCommunicationPayload(string ContentString);

/// <summary>A notification sent about an alert, or a person's answer to it (acknowledged, resolved).</summary>
public sealed record FhirCommunication() : FhirResource("Communication")
{
    public required IReadOnlyList<FhirIdentifier> Identifier { get; init; }

    /// <summary>R4 event-status: <c>completed</c>, <c>in-progress</c> (queued for devices) or <c>not-done</c> (not delivered).</summary>
    public required string Status { get; init; }

    public FhirCodeableConcept? StatusReason { get; init; }

    public required IReadOnlyList<FhirCodeableConcept> Category { get; init; }

    public IReadOnlyList<FhirCodeableConcept>? Medium { get; init; }

    public required FhirReference Subject { get; init; }

    public required IReadOnlyList<FhirReference> About { get; init; }

    public required string Sent { get; init; }

    public IReadOnlyList<FhirReference>? Recipient { get; init; }

    public FhirReference? Sender { get; init; }

    public required IReadOnlyList<FhirCommunicationPayload> Payload { get; init; }
}
