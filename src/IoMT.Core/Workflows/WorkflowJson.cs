using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Adherence;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;

namespace IoMT.Core.Workflows;

/// <summary>
/// JSON of workflow state, effects and timeline data (camelCase, enums as strings, nulls omitted), for hosts that
/// store them (the local engine, Durable Functions' inputs and outputs) and for the timeline. Round trips exactly.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EscalationState))]
[JsonSerializable(typeof(EscalationPolicy))]
[JsonSerializable(typeof(AdherenceState))]
[JsonSerializable(typeof(MedicationSchedule))]
[JsonSerializable(typeof(WorkflowEffect))]
[JsonSerializable(typeof(List<WorkflowEffect>))]
[JsonSerializable(typeof(AlertStep))]
[JsonSerializable(typeof(DoseOutcome))]
[JsonSerializable(typeof(DeliveryOutcome))]
[JsonSerializable(typeof(SnoozeScope))]
public sealed partial class WorkflowJson : JsonSerializerContext
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);

    public static T Deserialize<T>(string json) =>
        (T)(JsonSerializer.Deserialize(json, typeof(T), Default) ?? throw new JsonException($"Not a {typeof(T).Name}."));
}
