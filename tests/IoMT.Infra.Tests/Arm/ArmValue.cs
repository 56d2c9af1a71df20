using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IoMT.Infra.Tests.Arm;

/// <summary>
/// Values of the simulated deployment. What only Azure knows at deployment time (a resource's principal id, an
/// endpoint, a GUID) stays symbolic: written <c>⟪reference(/subscriptions/…/id-func-x).principalId⟫</c> inside the
/// string where it appears, so tests compare such values as text.
/// </summary>
public static class ArmValue
{
    public const char Open = '⟪';
    public const char Close = '⟫';

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Unknown(string text) => $"{Open}{text}{Close}";

    /// <summary><c>⟪reference(id).property⟫</c>: a run-time property of the resource with that id.</summary>
    public static string Reference(string resourceId, string property) => Unknown($"reference({resourceId}).{property}");

    /// <summary>The symbolic value of <c>guid(…)</c> over these arguments.</summary>
    public static string Guid(params JsonNode?[] arguments) => Unknown($"guid({string.Join(", ", arguments.Select(Render))})");

    /// <summary>True when nothing in the value waits for a run-time value.</summary>
    public static bool IsKnown(JsonNode? value) => value switch
    {
        JsonObject o => o.All(p => !p.Key.Contains(Open, StringComparison.Ordinal) && IsKnown(p.Value)),
        JsonArray a => a.All(IsKnown),
        JsonValue v when v.TryGetValue<string>(out var text) => !text.Contains(Open, StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>The inner text when the string is exactly one symbolic value, else null.</summary>
    public static string? SymbolicText(string text)
    {
        if (text.Length < 2 || text[0] != Open || text[^1] != Close)
        {
            return null;
        }

        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == Open ? 1 : text[i] == Close ? -1 : 0;
            if (depth == 0 && i < text.Length - 1)
            {
                return null;
            }
        }

        return text[1..^1];
    }

    /// <summary>Splits a resource name or path at its slashes, except those inside symbolic values.</summary>
    public static IReadOnlyList<string> SplitName(string name)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < name.Length; i++)
        {
            depth += name[i] == Open ? 1 : name[i] == Close ? -1 : 0;
            if (depth == 0 && name[i] == '/')
            {
                parts.Add(name[start..i]);
                start = i + 1;
            }
        }

        parts.Add(name[start..]);
        return parts;
    }

    /// <summary>How a value appears as an argument inside a symbolic value.</summary>
    public static string Render(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var text) => SymbolicText(text) ?? $"'{text}'",
        _ => value.ToJsonString(Readable),
    };

    /// <summary>How format() and concat() write a value into a string.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "True" : "False",
        JsonValue v when v.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(Readable),
    };

    /// <summary>The value at a dotted path (properties.routing.endpoints.eventHubs[0].name), or null.</summary>
    public static JsonNode? At(JsonNode? value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            while (name.EndsWith(']'))
            {
                var open = name.LastIndexOf('[');
                indexes.Insert(0, int.Parse(name[(open + 1)..^1], CultureInfo.InvariantCulture));
                name = name[..open];
            }

            value = value is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
            foreach (var index in indexes)
            {
                value = value is JsonArray a && index < a.Count ? a[index] : null;
            }

            if (value is null)
            {
                return null;
            }
        }

        return value;
    }

    /// <summary>The string at a path, or null.</summary>
    public static string? StringAt(JsonNode? value, string path) =>
        At(value, path) is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
}
