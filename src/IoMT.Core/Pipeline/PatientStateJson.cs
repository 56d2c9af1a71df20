using System.Text.Json;
using System.Text.Json.Serialization;

namespace IoMT.Core.Pipeline;

/// <summary>
/// <see cref="PatientState"/> as JSON, for hosts that store it between batches. Round trips exactly: rule states by
/// rule id, CGM points, the latest NEWS2 parameters and score.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(PatientState))]
public sealed partial class PatientStateJson : JsonSerializerContext
{
    public static string Serialize(PatientState state) => JsonSerializer.Serialize(state, Default.PatientState);

    public static PatientState Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Default.PatientState) ?? throw new JsonException("Not a patient state.");
}
