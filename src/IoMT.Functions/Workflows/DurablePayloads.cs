using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;

namespace IoMT.Functions.Workflows;

/// <summary>
/// An escalation instance's input: the alert and the policy it keeps for life; when it continues as new, its state, the
/// activity calls not run yet and the events received but not taken yet.
/// </summary>
public sealed record EscalationRun(
    AlertRaised Alert, EscalationPolicy Policy, EscalationState? State = null,
    IReadOnlyList<ActivityCall>? Unfinished = null, IReadOnlyList<ReceivedEvent>? Received = null);

/// <summary>An adherence instance's input: the schedule and follow-up channels it runs with; when it continues as new, as <see cref="EscalationRun"/>.</summary>
public sealed record AdherenceRun(
    MedicationSchedule Schedule, FollowUpChannels FollowUps, AdherenceState? State = null,
    IReadOnlyList<ActivityCall>? Unfinished = null, IReadOnlyList<ReceivedEvent>? Received = null);

/// <summary>An activity an instance has still to run, with its input.</summary>
public sealed record ActivityCall(string Activity, string Input);

/// <summary>An external event a generation received and did not take: the next generation takes it first.</summary>
public sealed record ReceivedEvent(string Name, string Payload);

/// <summary>What the save activity stores: an alert's new state, and the snooze scopes its decision registered (by idempotency key).</summary>
public sealed record EscalationSave(EscalationState State, IReadOnlyList<KeyedSnooze> Snoozes);

public sealed record KeyedSnooze(string Key, SnoozeScope Scope);

/// <summary>An alert episode an adherence instance starts or ends (rescue-inhaler overuse): exactly one of the two.</summary>
public sealed record AlertEvent(AlertRaised? Raised = null, AlertCleared? Cleared = null);

/// <summary>
/// The names of the external events the instances wait for, and their instance ids. Payloads travel as JSON strings
/// written by <see cref="DurablePayloads"/>, so they round-trip exactly whatever serializer the Durable host uses.
/// </summary>
public static class DurableEvents
{
    public const string Acknowledge = "acknowledge";
    public const string Resolve = "resolve";
    public const string Snooze = "snooze";
    public const string Clear = "clear";
    public const string Grade = "grade";
    public const string Dose = "dose";
    public const string Inhaler = "inhaler";
    public const string Schedule = "schedule";

    public static IReadOnlyList<string> Escalation { get; } = [Acknowledge, Resolve, Snooze, Clear, Grade];

    public static IReadOnlyList<string> Adherence { get; } = [Dose, Inhaler, Schedule];

    /// <summary>One instance per alert episode: the alert id (the episode's deduplication key).</summary>
    public static string EscalationInstance(string alertId) => alertId;

    /// <summary>One long-lived instance per patient and medication.</summary>
    public static string AdherenceInstance(string patientId, string medicationId) => $"adherence:{patientId}:{medicationId}";

    /// <summary>The event that carries a person's action, a new grade or a cleared condition to an escalation instance.</summary>
    public static (string Name, string Payload) For(EscalationInput input) => input switch
    {
        AcknowledgeAlert ack => (Acknowledge, DurablePayloads.Write(ack)),
        ResolveAlert resolve => (Resolve, DurablePayloads.Write(resolve)),
        SnoozeAlert snooze => (Snooze, DurablePayloads.Write(snooze)),
        ConditionCleared cleared => (Clear, DurablePayloads.Write(cleared)),
        GradeChanged grade => (Grade, DurablePayloads.Write(grade)),
        _ => throw new ArgumentException($"{input?.GetType().Name} is not sent as an event.", nameof(input)),
    };

    /// <summary>The escalation input an event carries; null when its payload is unreadable (logged and ignored by the instance).</summary>
    public static EscalationInput? ReadEscalation(string name, string payload) => Read(() => name switch
    {
        Acknowledge => DurablePayloads.Read<AcknowledgeAlert>(payload),
        Resolve => DurablePayloads.Read<ResolveAlert>(payload),
        Snooze => DurablePayloads.Read<SnoozeAlert>(payload),
        Clear => DurablePayloads.Read<ConditionCleared>(payload),
        Grade => DurablePayloads.Read<GradeChanged>(payload),
        _ => (EscalationInput?)null,
    });

    public static T? Read<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>JSON of Durable inputs, outputs and event payloads, with the options of <see cref="WorkflowJson"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EscalationRun))]
[JsonSerializable(typeof(AdherenceRun))]
[JsonSerializable(typeof(CaregiverReach))]
[JsonSerializable(typeof(EscalationSave))]
[JsonSerializable(typeof(AlertEvent))]
[JsonSerializable(typeof(List<SnoozeScope>))]
[JsonSerializable(typeof(AcknowledgeAlert))]
[JsonSerializable(typeof(ResolveAlert))]
[JsonSerializable(typeof(SnoozeAlert))]
[JsonSerializable(typeof(ConditionCleared))]
[JsonSerializable(typeof(GradeChanged))]
[JsonSerializable(typeof(DoseReported))]
[JsonSerializable(typeof(InhalerActuated))]
[JsonSerializable(typeof(MedicationSchedule))]
[JsonSerializable(typeof(WorkflowEffect))]
public sealed partial class DurablePayloads : JsonSerializerContext
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);

    public static T Read<T>(string? json) =>
        (T)(JsonSerializer.Deserialize(json ?? "null", typeof(T), Default) ?? throw new JsonException($"Not a {typeof(T).Name}."));
}
