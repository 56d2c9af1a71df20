using System.Globalization;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Enrichment;
using IoMT.Core.Patients;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Fhir;

/// <summary>
/// Timeline entries as FHIR R4 resources: vital signs per the R4 vital-signs profiles, CGM glucose per the HL7 CGM IG,
/// NEWS2 as a survey Observation, doses and inhaler puffs as MedicationAdministration, a dispenser's release as
/// MedicationDispense, alert episodes as Flag, devices as Device.
/// Values are in the canonical UCUM unit of their kind, rounded to 3 decimals (conversions leave binary noise).
/// </summary>
public static class FhirResources
{
    public const string UcumSystem = "http://unitsofmeasure.org";
    public const string ObservationCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string CgmSensorReadingProfile = "http://hl7.org/fhir/uv/cgm/StructureDefinition/cgm-sensor-reading-mass-per-volume";
    public const string FlagCategorySystem = "http://terminology.hl7.org/CodeSystem/flag-category";
    public const string FlagPriorityExtension = "http://hl7.org/fhir/StructureDefinition/flag-priority";
    public const string FlagPrioritySystem = "http://hl7.org/fhir/flag-priority-code";
    public const string AlertRuleSystem = "urn:iomt-cloud:alert-rule";
    public const string MedicationIdSystem = "urn:iomt-cloud:medication-id";
    public const string EcgRhythmSystem = "urn:iomt-cloud:ecg-rhythm";
    public const string AcvpuSystem = "urn:iomt-cloud:acvpu";
    public const string News2ComponentSystem = "urn:iomt-cloud:news2";
    public const string News2BandSystem = "urn:iomt-cloud:news2-band";
    public const string News2ParameterSystem = "urn:iomt-cloud:news2-parameter";
    public const string DoseStatusSystem = "urn:iomt-cloud:dose-status";
    public const string DataAbsentReasonSystem = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    private const string VitalSignsProfileBase = "http://hl7.org/fhir/StructureDefinition/";

    /// <summary>The patient: our id, and from their profile their identifiers (typed by v2-0203 when the type is known), name and birth date.</summary>
    public static FhirPatient Patient(PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new()
        {
            Id = FhirIds.Uuid("Patient", patient.Id),
            Identifier =
            [
                new(FhirIds.PatientIdSystem, patient.Id),
                .. patient.Identifiers.Select(i => new FhirIdentifier(i.System, i.Value)
                {
                    Type = i.Type is { } type ? FhirCodeableConcept.Of(new FhirCoding(IdentifierTypes.System, type, IdentifierTypes.DisplayOf(type))) : null,
                }),
            ],
            Name = patient.DisplayName is { } name ? [new("usual", name)] : null,
            BirthDate = patient.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The patient's contacts as RelatedPersons, in the profile's order (their ids follow it): the relation as said, a
    /// caregiver also as such, and their e-mail, SMS number and webhook (where it goes, never its secret path or query).
    /// </summary>
    public static IEnumerable<FhirRelatedPerson> RelatedPersons(PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient.Contacts.Select((contact, i) => new FhirRelatedPerson
        {
            Id = FhirIds.Uuid("RelatedPerson", $"{patient.Id}|{i}"),
            Patient = FhirIds.Patient(patient.Id),
            Relationship = contact.Caregiver ? [new(Text: contact.Relation), new(Text: "caregiver")] : [new(Text: contact.Relation)],
            Name = [new("usual", contact.Name)],
            Telecom = Telecom(contact),
        });
    }

    /// <summary>The contact's ways to reach them; null for none (FHIR forbids empty arrays).</summary>
    private static List<FhirContactPoint>? Telecom(PatientContact contact)
    {
        var telecom = new List<FhirContactPoint>();
        foreach (var (system, value) in new[] { ("email", contact.Email), ("sms", contact.Sms), ("url", contact.Webhook is { } url ? ContactChannels.ShownWebhook(url) : null) })
        {
            if (value is not null)
            {
                telecom.Add(new FhirContactPoint(system, value));
            }
        }

        return telecom.Count > 0 ? telecom : null;
    }

    /// <summary>
    /// A device seen in the export; from the registry (when it has the device) its manufacturer, model, serial number and
    /// type. <paramref name="sentCgm"/>: it sent CGM readings (a glucose sensor's kind alone does not tell).
    /// </summary>
    public static FhirDevice Device(string deviceId, DeviceRecord? registered, bool sentCgm)
    {
        var device = new FhirDevice
        {
            Id = FhirIds.Uuid("Device", deviceId),
            Identifier = [new(FhirIds.DeviceIdSystem, deviceId)],
        };
        return registered is null ? device : device with
        {
            Manufacturer = registered.Manufacturer,
            SerialNumber = registered.SerialNumber,
            DeviceName = [new($"{registered.Manufacturer} {registered.Model}", "user-friendly-name"), new(registered.Model, "model-name")],
            Type = DeviceTypes.For(registered.Kinds, sentCgm),
        };
    }

    /// <summary>A reading entry: an Observation, or a MedicationAdministration for doses and inhaler puffs.</summary>
    public static FhirResource Reading(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var data = TimelineJson.Deserialize<ReadingData>(record.Data);
        return data.Reading switch
        {
            DoseEventReading { Event: DoseEventType.Dispensed } release => Dispense(record, data, release),
            DoseEventReading dose => Dose(record, data, dose),
            InhalerActuationReading inhaler => Inhaler(record, data, inhaler),
            _ => Observation(record, data),
        };
    }

    /// <summary>
    /// A NEWS2 score: the total, its band and each parameter's sub-score as components, and the readings it was computed
    /// from (<c>derivedFrom</c>; a reading before <paramref name="from"/> is outside the bundle and referenced by its
    /// identifier). An incomplete score is <c>preliminary</c> and its unscored parameters carry a <c>dataAbsentReason</c>.
    /// </summary>
    public static FhirObservation News2(TimelineRecord record, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(record);
        var score = TimelineJson.Deserialize<News2Data>(record.Data);
        var sources = score.DerivedFrom ?? [];
        return new FhirObservation
        {
            Id = FhirIds.Uuid("Observation", record.Id),
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Status = score.Complete ? "final" : "preliminary",
            Category = [Category("survey")],
            Code = Concept(Codes.News2),
            Subject = FhirIds.Patient(record.PatientId),
            EffectiveDateTime = Rfc(record.At),
            ValueInteger = score.Total,
            DerivedFrom = sources.Count == 0 ? null : [.. sources.Select(s => s.At >= from ? FhirIds.Observation(s.ReadingId) : FhirIds.ObservationOutside(s.ReadingId))],
            Component = [News2BandComponent(score.Band), .. News2Parameters(score.Scores).Select(p => News2SubScore(p.Name, p.Score))],
        };
    }

    /// <summary>
    /// One alert episode: <c>active</c> from its start, <c>inactive</c> once cleared, at the highest grade it reached
    /// (its raise, or the first regrade above it: <paramref name="highest"/>). Any event may fall outside the exported
    /// range; a Flag is written from whatever is known.
    /// </summary>
    public static FhirFlag Flag(string patientId, AlertRaised? raised, AlertRegraded? highest, AlertCleared? cleared)
    {
        var alertId = raised?.AlertId ?? highest?.AlertId ?? cleared?.AlertId ?? throw new ArgumentException("An alert episode needs its raise, a regrade or its clear.");
        var grade = highest is not null && (raised is null || highest.Priority > raised.Priority)
            ? new Grade(highest.RuleId, highest.Title, highest.Priority, highest.Category)
            : raised is null ? null : new Grade(raised.RuleId, raised.Title, raised.Priority, raised.Category);
        var ruleId = grade?.RuleId ?? cleared!.RuleId;
        return new FhirFlag
        {
            Id = FhirIds.Uuid("Flag", alertId),
            Extension = grade is null ? null : [new(FlagPriorityExtension, FhirCodeableConcept.Of(Priority(grade.Priority)))],
            Identifier = [new(FhirIds.AlertIdSystem, alertId)],
            Status = cleared is null ? "active" : "inactive",
            Category = [FhirCodeableConcept.Of(FlagCategory(grade?.Category))],
            Code = new FhirCodeableConcept([new FhirCoding(AlertRuleSystem, ruleId, grade?.Title)], grade?.Title ?? ruleId),
            Subject = FhirIds.Patient(patientId),
            Period = new FhirPeriod(raised is null ? null : Rfc(raised.EpisodeStart), cleared is null ? null : Rfc(cleared.At)),
        };
    }

    private sealed record Grade(string RuleId, string Title, AlertPriority Priority, AlertCategory Category);

    private static FhirObservationComponent News2BandComponent(News2Band band)
    {
        var (code, display) = band switch
        {
            News2Band.High => ("high", "High (aggregate 7 or more)"),
            News2Band.Medium => ("medium", "Medium (aggregate 5-6)"),
            News2Band.LowMedium => ("low-medium", "Low-medium (a single parameter scoring 3)"),
            _ => ("low", "Low (aggregate 0-4)"),
        };
        return new(new FhirCodeableConcept([new FhirCoding(News2ComponentSystem, "band", "NEWS2 clinical risk band")], "NEWS2 clinical risk band"))
        {
            ValueCodeableConcept = new([new FhirCoding(News2BandSystem, code, display)], display),
        };
    }

    private static IEnumerable<(string Name, int? Score)> News2Parameters(News2Scores scores) =>
    [
        (News2Source.RespiratoryRate, scores.RespiratoryRate),
        (News2Source.Spo2, scores.Spo2),
        (News2Source.AirOrOxygen, scores.OnOxygen),
        (News2Source.Systolic, scores.Systolic),
        (News2Source.Pulse, scores.Pulse),
        (News2Source.Consciousness, scores.Consciousness),
        (News2Source.Temperature, scores.Temperature),
    ];

    /// <summary>One parameter's sub-score; unscored (not measured in the window): <c>not-performed</c>.</summary>
    private static FhirObservationComponent News2SubScore(string parameter, int? score)
    {
        var component = new FhirObservationComponent(new FhirCodeableConcept([new FhirCoding(News2ParameterSystem, parameter)], $"NEWS2 {parameter} score"));
        return score is { } points
            ? component with { ValueInteger = points }
            : component with { DataAbsentReason = FhirCodeableConcept.Of(new FhirCoding(DataAbsentReasonSystem, "not-performed", "Not Performed")) };
    }

    private static FhirObservation Observation(TimelineRecord record, ReadingData data)
    {
        var reading = data.Reading;
        var info = ReadingKinds.Get(reading.Kind);
        var observation = new FhirObservation
        {
            Id = FhirIds.Uuid("Observation", record.Id),
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Code = Concept(info.Code),
            Subject = FhirIds.Patient(record.PatientId),
            EffectiveDateTime = Rfc(reading.At),
            Device = FhirIds.Device(data.DeviceId),
        };
        return reading switch
        {
            QuantityReading q => WithQuantity(observation, q),
            BloodPressureReading bp => observation with
            {
                Meta = VitalSign("bp"),
                Category = [Category("vital-signs")],
                Component =
                [
                    new(Concept(Codes.SystolicPressure), Quantity(bp.Systolic, Ucum.MillimetreOfMercury)),
                    new(Concept(Codes.DiastolicPressure), Quantity(bp.Diastolic, Ucum.MillimetreOfMercury)),
                ],
            },
            GlucoseReading { Method: GlucoseMethod.Cgm } cgm => observation with
            {
                Meta = new FhirMeta([CgmSensorReadingProfile]),
                Category = [Category("laboratory")],
                Code = Concept(Codes.CgmGlucoseMass),
                ValueQuantity = Quantity(cgm.MgPerDl, Ucum.MilligramsPerDecilitre, unit: "mg/dl"),
            },
            GlucoseReading meter => observation with
            {
                Category = [Category("laboratory")],
                Code = Concept(Codes.MeterGlucoseMass),
                ValueQuantity = Quantity(meter.MgPerDl, Ucum.MilligramsPerDecilitre),
            },
            CodedReading { Kind: ReadingKind.EcgRhythm } rhythm => observation with
            {
                Category = [Category("procedure")],
                ValueCodeableConcept = new([new FhirCoding(EcgRhythmSystem, rhythm.Code)], rhythm.Code),
            },
            CodedReading consciousness => observation with
            {
                Category = [Category("exam")],
                ValueCodeableConcept = new([new FhirCoding(AcvpuSystem, consciousness.Code)], consciousness.Code),
            },
            OxygenSupplementReading oxygen => observation with
            {
                ValueBoolean = oxygen.OnOxygen,
                Component = oxygen.FlowLitresPerMinute is { } flow ? [new(Concept(Codes.InhaledOxygenFlow), Quantity(flow, Ucum.LitresPerMinute))] : null,
            },
            _ => throw new NotSupportedException($"No FHIR mapping for {reading.GetType().Name}."),
        };
    }

    private static FhirObservation WithQuantity(FhirObservation observation, QuantityReading reading)
    {
        var withValue = observation with { ValueQuantity = Quantity(reading.Value, reading.Unit) };
        return reading.Kind switch
        {
            ReadingKind.HeartRate => withValue with { Meta = VitalSign("heartrate"), Category = [Category("vital-signs")] },
            ReadingKind.RespiratoryRate => withValue with { Meta = VitalSign("resprate"), Category = [Category("vital-signs")] },
            ReadingKind.BodyTemperature => withValue with { Meta = VitalSign("bodytemp"), Category = [Category("vital-signs")] },
            ReadingKind.Weight => withValue with { Meta = VitalSign("bodyweight"), Category = [Category("vital-signs")] },
            ReadingKind.Spo2 => withValue with
            {
                Meta = VitalSign("oxygensat"),
                Category = [Category("vital-signs")],
                Code = Concept(Codes.OxygenSaturation, Codes.PulseOximetry),
            },
            _ => withValue,
        };
    }

    /// <summary>
    /// A dispenser's release of a dose: a MedicationDispense ready for pickup (<c>in-progress</c>: intake not confirmed),
    /// prepared by the device. The scheduled time, when reported, is the timing of the request the dose answers.
    /// </summary>
    private static FhirMedicationDispense Dispense(TimelineRecord record, ReadingData data, DoseEventReading release)
    {
        var request = release.ScheduledFor is { } scheduled ? DoseRequest(record.PatientId, release.MedicationId, scheduled) : null;
        return new FhirMedicationDispense
        {
            Id = FhirIds.Uuid("MedicationDispense", record.Id),
            Contained = request is null ? null : [request],
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Status = "in-progress",
            MedicationCodeableConcept = Medication(release.MedicationId),
            Subject = FhirIds.Patient(record.PatientId),
            Performer = [new(FhirIds.Device(data.DeviceId))],
            AuthorizingPrescription = request is null ? null : [new("#" + request.Id)],
            WhenPrepared = Rfc(release.At),
        };
    }

    /// <summary>A dispenser's report of a dose taken, missed or skipped; the scheduled time, when reported, is the timing of the request the dose answers.</summary>
    private static FhirMedicationAdministration Dose(TimelineRecord record, ReadingData data, DoseEventReading dose)
    {
        var request = dose.ScheduledFor is { } scheduled ? DoseRequest(record.PatientId, dose.MedicationId, scheduled) : null;
        var status = dose.Event switch
        {
            DoseEventType.Taken => DoseStatus.Taken,
            DoseEventType.Skipped => DoseStatus.Skipped,
            _ => DoseStatus.Missed,
        };
        return Administration(record, dose.MedicationId, status, dose.At, request) with { Device = [FhirIds.Device(data.DeviceId)] };
    }

    /// <summary>A dose the medication schedule closed as missed or skipped; null for the other outcomes (the dispenser's reports carry those).</summary>
    public static FhirMedicationAdministration? ClosedDose(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var outcome = WorkflowJson.Deserialize<DoseOutcome>(record.Data);
        return outcome is { Status: DoseStatus.Missed or DoseStatus.Skipped, ScheduledAt: { } scheduled }
            ? Administration(record, outcome.MedicationId, outcome.Status, scheduled, DoseRequest(record.PatientId, outcome.MedicationId, scheduled))
            : null;
    }

    /// <summary>The request one scheduled dose answers (an <c>instance-order</c>: one occurrence of the medication's schedule), due at <paramref name="scheduledAt"/>.</summary>
    private static FhirMedicationRequest DoseRequest(string patientId, string medicationId, DateTimeOffset scheduledAt) => new()
    {
        Id = "scheduled-dose",
        Status = "unknown",
        Intent = "instance-order",
        MedicationCodeableConcept = Medication(medicationId),
        Subject = FhirIds.Patient(patientId),
        DosageInstruction = [new(new FhirTiming([Rfc(scheduledAt)]))],
    };

    private static FhirMedicationAdministration Inhaler(TimelineRecord record, ReadingData data, InhalerActuationReading inhaler) =>
        Administration(record, inhaler.MedicationId, DoseStatus.Taken, inhaler.At, request: null) with
        {
            Device = [FhirIds.Device(data.DeviceId)],
            Dosage = new FhirDosage(Quantity(inhaler.Puffs, "{puff}", unit: "puff")),
        };

    /// <summary>Taken: <c>completed</c>; missed or skipped: <c>not-done</c> with the reason; effective when it was taken or was due.</summary>
    private static FhirMedicationAdministration Administration(
        TimelineRecord record, string medicationId, DoseStatus status, DateTimeOffset effective, FhirMedicationRequest? request)
    {
        var reason = status switch
        {
            DoseStatus.Missed => ("missed", "Dose missed: not taken in its window"),
            DoseStatus.Skipped => ("skipped", "Dose skipped by the patient"),
            _ => default((string Code, string Text)?),
        };
        return new()
        {
            Id = FhirIds.Uuid("MedicationAdministration", record.Id),
            Contained = request is null ? null : [request],
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Status = reason is null ? "completed" : "not-done",
            StatusReason = reason is { } r ? [new FhirCodeableConcept([new FhirCoding(DoseStatusSystem, r.Code)], r.Text)] : null,
            MedicationCodeableConcept = Medication(medicationId),
            Subject = FhirIds.Patient(record.PatientId),
            EffectiveDateTime = Rfc(effective),
            Request = request is null ? null : new("#" + request.Id),
        };
    }

    private static FhirCodeableConcept Medication(string medicationId) => new([new FhirCoding(MedicationIdSystem, medicationId)], medicationId);

    private static FhirMeta VitalSign(string profile) => new([VitalSignsProfileBase + profile]);

    private static FhirCodeableConcept Category(string code) =>
        FhirCodeableConcept.Of(new FhirCoding(ObservationCategorySystem, code, CategoryDisplay(code)));

    private static string CategoryDisplay(string code) => code switch
    {
        "vital-signs" => "Vital Signs",
        "laboratory" => "Laboratory",
        "survey" => "Survey",
        "procedure" => "Procedure",
        _ => "Exam",
    };

    private static FhirCodeableConcept Concept(params Coding[] codings) =>
        new([.. codings.Select(c => new FhirCoding(c.System, c.Code, c.Display))], codings[0].Display);

    private static FhirQuantity Quantity(double value, string ucum, string? unit = null) =>
        new(Math.Round(value, 3), unit ?? ucum, UcumSystem, ucum);

    private static FhirCoding Priority(AlertPriority priority) => priority switch
    {
        AlertPriority.High => new(FlagPrioritySystem, "PH", "High priority"),
        AlertPriority.Medium => new(FlagPrioritySystem, "PM", "Medium priority"),
        _ => new(FlagPrioritySystem, "PL", "Low priority"),
    };

    private static FhirCoding FlagCategory(AlertCategory? category) => category switch
    {
        AlertCategory.Adherence => new(FlagCategorySystem, "drug", "Drug"),
        AlertCategory.Technical => new(FlagCategorySystem, "admin", "Administrative"),
        _ => new(FlagCategorySystem, "clinical", "Clinical"),
    };

    private static string Rfc(DateTimeOffset at) => Validation.Rfc3339.Format(at);
}
