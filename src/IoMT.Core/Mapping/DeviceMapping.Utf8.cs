using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Validation;
using static IoMT.Core.Mapping.CompiledJsonPath;

namespace IoMT.Core.Mapping;

/// <summary>
/// The common case mapped on System.Text.Json's read-only document of the UTF-8 bytes, without Newtonsoft.Json's document
/// model: templates that evaluate member paths on the matches of an object scan, on a message whose every match is in its
/// body and maps to a reading of text and numbers. Anything else (a measurement that cannot be mapped, a value that is
/// neither text nor a number, JSON that only Newtonsoft.Json accepts, a match in the envelope) is left to the document
/// model, which gives the answer and the error MedTech would.
/// </summary>
public sealed partial class DeviceMapping
{
    private const int MaxMembersCompared = 32;

    private static readonly JsonEncodedText KindName = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText UnitName = JsonEncodedText.Encode("unit");
    private static readonly JsonEncodedText MethodName = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText AtName = JsonEncodedText.Encode("at");

    private static readonly string[] SystemPropertyNames = ["iothub-enqueuedtime", "iothub-connection-device-id", "message-id"];

    /// <summary>The templates in their UTF-8 form; null when one of them needs the document model.</summary>
    private static Utf8Template[]? Utf8Templates(IReadOnlyList<ContentTemplate> templates)
    {
        var compiled = new Utf8Template[templates.Count];
        for (var i = 0; i < templates.Count; i++)
        {
            var template = templates[i];
            var times = template.Timestamps.Select(Compiled).OfType<MemberPath>().ToArray();
            var values = template.Values.Select(v => Compiled(v.Expression)).OfType<MemberPath>().ToArray();
            if (template.WrapsMatch || Compiled(template.TypeMatch) is not ObjectScan { MightSelectEnvelope: false } scan
                || Compiled(template.DeviceId) is not MemberPath deviceId || times.Length < template.Timestamps.Count || values.Length < template.Values.Count)
            {
                return null;
            }

            compiled[i] = new Utf8Template(template, scan, deviceId, times, values, [.. template.Values.Select(v => Numeric(v.Member, template.Target))]);
        }

        return compiled;
    }

    private static CompiledJsonPath? Compiled(MappingExpression expression) => (expression as JsonPathExpression)?.Compiled;

    /// <summary>The contract v1 body of the message mapped on its UTF-8 bytes, or null when the document model must map it.</summary>
    internal byte[]? MapUtf8(ReceivedMessage message, IngestionOptions options, string messageId)
    {
        if (_utf8Templates is null || options.MaxJsonDepth < 2 || MightMatchEnvelope(message)
            || (message.AuthenticatedDeviceId is { } authenticated && string.IsNullOrWhiteSpace(authenticated)))
        {
            return null;
        }

        try
        {
            // One level shallower than Newtonsoft.Json's limit, so a message it would refuse is never mapped here.
            using var document = JsonDocument.Parse(message.Body, new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth - 1 });
            if (!HasDistinctPlainNames(document.RootElement))
            {
                return null;
            }

            var members = _threadMembers ??= [];
            members.Clear();
            var deviceId = message.AuthenticatedDeviceId;
            var matches = _threadMatches ??= [];
            foreach (var template in _utf8Templates)
            {
                matches.Clear();
                template.TypeMatch.SelectAll(document.RootElement, matches);
                foreach (var match in matches)
                {
                    if (!TryReading(template, match, ref deviceId, members))
                    {
                        return null;
                    }
                }
            }

            return members.Count == 0 || deviceId is null ? null : Write(messageId, deviceId, message.ReceivedAt, members);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
        finally
        {
            // The matches point into the document, which is gone.
            _threadMatches?.Clear();
        }
    }

    /// <summary>
    /// Whether no object names a member twice, which Newtonsoft.Json refuses (checked here: cheaper than by the parser).
    /// Escaped names and objects of many members are left to the document model.
    /// </summary>
    private static bool HasDistinctPlainNames(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (!HasDistinctPlainNames(item))
                {
                    return false;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            var count = 0;
            foreach (var property in element.EnumerateObject())
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(property);
                if (++count > MaxMembersCompared || name.Contains((byte)'\\') || !HasDistinctPlainNames(property.Value))
                {
                    return false;
                }

                var before = count - 1;
                foreach (var earlier in element.EnumerateObject())
                {
                    if (before-- == 0)
                    {
                        break;
                    }

                    if (earlier.NameEquals(name))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Whether a scan may select an object of the envelope: one of its properties has the name of a scanned member.</summary>
    private bool MightMatchEnvelope(ReceivedMessage message)
    {
        foreach (var template in _utf8Templates!)
        {
            foreach (var name in template.TypeMatch.SingleMemberNames)
            {
                if (SystemPropertyNames.Contains(name) || message.Properties?.ContainsKey(name) == true)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Adds the reading of one match to <paramref name="members"/> as <see cref="MapMatch"/> would make it; false when the
    /// document model must decide (a failure, or a value that is not text or a number).
    /// </summary>
    private static bool TryReading(Utf8Template template, JsonElement match, ref string? deviceId, List<Utf8Member> members)
    {
        // Once the device is known, each match must name it: compared on the bytes, no text of its own.
        if (!template.DeviceId.TrySelect(match, out var device)
            || (deviceId is not null ? device.ValueKind != JsonValueKind.String || !device.ValueEquals(deviceId) : TextOf(device) is null))
        {
            return false;
        }

        string? at = null;
        foreach (var timestamp in template.Timestamps)
        {
            if (timestamp.TrySelect(match, out var time))
            {
                if (time.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                if ((at = TextOf(time)) is not null)
                {
                    break;
                }
            }
        }

        if (at is null)
        {
            return false;
        }

        var target = template.Template.Target;
        var start = members.Count;
        members.Add(new Utf8Member(KindName, ReadingKinds.ContractName(target.Kind), StartsReading: true));
        for (var i = 0; i < template.Values.Length; i++)
        {
            var value = template.Template.Values[i];
            if (!template.Values[i].TrySelect(match, out var found) || found.ValueKind == JsonValueKind.Null
                || (found.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(found.GetString())))
            {
                if (value.Required)
                {
                    return false;
                }

                continue;
            }

            if (Scalar(template.Names[i], found, template.Numeric[i]) is not { } member)
            {
                return false;
            }

            members.Add(member);
        }

        AddDefault(members, start, UnitName, target.Unit);
        AddDefault(members, start, MethodName, target.Kind == ReadingKind.Glucose ? target.Method : null);
        members.Add(new Utf8Member(AtName, at));
        deviceId ??= TextOf(device);
        return true;
    }

    /// <summary>A value as the document model writes it: text, a whole number, or another number (text that is a number, for numeric members).</summary>
    private static Utf8Member? Scalar(JsonEncodedText member, JsonElement found, bool numeric)
    {
        if (found.ValueKind == JsonValueKind.String)
        {
            var text = found.GetString()!;
            return numeric && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
                ? new Utf8Member(member, null, Number: parsed)
                : new Utf8Member(member, text);
        }

        if (found.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        // Newtonsoft.Json reads a number with a fraction or an exponent as a double, any other as a whole number.
        if (JsonMarshal.GetRawUtf8Value(found).IndexOfAny(".eE"u8) >= 0)
        {
            return found.TryGetDouble(out var number) && double.IsFinite(number) ? new Utf8Member(member, null, Number: number) : null;
        }

        return found.TryGetInt64(out var whole) ? new Utf8Member(member, null, Whole: whole) : null;
    }

    /// <summary>Text that is not blank, as <see cref="Text"/> reads it.</summary>
    private static string? TextOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static void AddDefault(List<Utf8Member> members, int start, JsonEncodedText member, string? value)
    {
        if (value is null)
        {
            return;
        }

        for (var i = start + 1; i < members.Count; i++)
        {
            if (members[i].Name.Equals(member))
            {
                return;
            }
        }

        members.Add(new Utf8Member(member, value));
    }

    private static byte[] Write(string messageId, string deviceId, DateTimeOffset receivedAt, List<Utf8Member> members)
    {
        var writer = StartBody(messageId, deviceId, receivedAt);
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (member.StartsReading)
            {
                if (i > 0)
                {
                    writer.WriteEndObject();
                }

                writer.WriteStartObject();
                writer.WriteString(KindName, member.Text);
                continue;
            }

            if (member.Text is not null)
            {
                writer.WriteString(member.Name, member.Text);
            }
            else if (member.Whole is { } whole)
            {
                writer.WriteNumber(member.Name, whole);
            }
            else
            {
                writer.WriteNumber(member.Name, member.Number);
            }
        }

        if (members.Count > 0)
        {
            writer.WriteEndObject();
        }

        return EndBody(writer);
    }

    [ThreadStatic]
    private static List<Utf8Member>? _threadMembers;

    [ThreadStatic]
    private static List<JsonElement>? _threadMatches;

    /// <summary>A template with its expressions in their compiled form, and which of its values are numeric members.</summary>
    private sealed record Utf8Template(
        ContentTemplate Template, ObjectScan TypeMatch, MemberPath DeviceId, MemberPath[] Timestamps, MemberPath[] Values, bool[] Numeric)
    {
        /// <summary>The reading members the values fill, encoded once.</summary>
        public JsonEncodedText[] Names { get; } = [.. Template.Values.Select(v => JsonEncodedText.Encode(v.Member))];
    }

    /// <summary>A member of a mapped reading (text, a whole number or a number); the kind starts the next reading.</summary>
    private readonly record struct Utf8Member(JsonEncodedText Name, string? Text, double Number = 0, long? Whole = null, bool StartsReading = false);
}
