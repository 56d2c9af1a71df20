using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Fhir;

/// <summary>
/// An alert's escalation as Communications about its Flag: each notification's delivery on a channel (to whom, when,
/// whether it arrived) and each person's answer (acknowledged, resolved: who and when).
/// </summary>
public static class FhirCommunications
{
    public const string RecipientSystem = "urn:iomt-cloud:recipient";
    public const string ChannelSystem = "urn:iomt-cloud:notification-channel";
    public const string CategorySystem = "http://terminology.hl7.org/CodeSystem/communication-category";

    /// <summary>A delivery of an alert's notification; <paramref name="flag"/> refers to the alert's Flag.</summary>
    public static FhirCommunication Delivery(TimelineRecord record, FhirReference flag)
    {
        ArgumentNullException.ThrowIfNull(record);
        var delivery = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
        var (status, reason) = delivery.Status switch
        {
            DeliveryStatus.Delivered => ("completed", null),
            DeliveryStatus.Queued => ("in-progress", null),
            _ => ("not-done", delivery.Error is null ? delivery.Status.ToString() : $"{delivery.Status}: {delivery.Error}"),
        };
        return new FhirCommunication
        {
            Id = FhirIds.Uuid("Communication", record.Id),
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Status = status,
            StatusReason = reason is null ? null : new FhirCodeableConcept(Text: reason),
            Category = [Category(delivery.Kind == NotificationKind.AlertTriggered ? "alert" : "notification")],
            Medium = [new FhirCodeableConcept([new FhirCoding(ChannelSystem, delivery.Channel)], delivery.Channel)],
            Subject = FhirIds.Patient(record.PatientId),
            About = [flag],
            Sent = Rfc(delivery.At),
            Recipient = [.. delivery.Recipients.Select(Person)],
            Payload = [new(Describe(delivery.Kind))],
        };
    }

    /// <summary>A person acknowledging or resolving the alert (the product's own resolution names no sender).</summary>
    public static FhirCommunication Answer(TimelineRecord record, FhirReference flag)
    {
        ArgumentNullException.ThrowIfNull(record);
        var step = WorkflowJson.Deserialize<AlertStep>(record.Data);
        return new FhirCommunication
        {
            Id = FhirIds.Uuid("Communication", record.Id),
            Identifier = [new(FhirIds.TimelineEntrySystem, record.Id)],
            Status = "completed",
            Category = [Category("notification")],
            Subject = FhirIds.Patient(record.PatientId),
            About = [flag],
            Sent = Rfc(step.At),
            Sender = step.Actor == EscalationDecider.SystemActor ? null : Person("user:" + step.Actor),
            Payload = [new(record.Type == TimelineEntryType.Acknowledgement ? "Acknowledged" : "Resolved")],
        };
    }

    /// <summary>A recipient as the escalation names it (<c>user:</c>, <c>role:</c>, <c>oncall:</c>, <c>patient:</c>, <c>caregiver:</c>), by identifier.</summary>
    private static FhirReference Person(string recipient)
    {
        var type = recipient[..Math.Max(recipient.IndexOf(':', StringComparison.Ordinal), 0)] switch
        {
            "user" => "Practitioner",
            "patient" => "Patient",
            "caregiver" => "RelatedPerson",
            _ => "PractitionerRole",
        };
        return new FhirReference(null, new FhirIdentifier(RecipientSystem, recipient)) { Type = type };
    }

    private static string Describe(NotificationKind kind) => kind switch
    {
        NotificationKind.AlertTriggered => "Alert triggered",
        NotificationKind.AlertAcknowledged => "Alert acknowledged",
        NotificationKind.AlertResolved => "Alert resolved",
        _ => kind.ToString(),
    };

    private static FhirCodeableConcept Category(string code) =>
        FhirCodeableConcept.Of(new FhirCoding(CategorySystem, code, code == "alert" ? "Alert" : "Notification"));

    private static string Rfc(DateTimeOffset at) => Validation.Rfc3339.Format(at);
}
