using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace IoMT.Core.Validation;

/// <summary>The members of a reading object the contract knows; others are ignored (forward compatibility).</summary>
internal enum ReadingFieldId
{
    Unknown = -1,
    Kind,
    At,
    Value,
    Unit,
    Systolic,
    Diastolic,
    Method,
    Flow,
    MedicationId,
    Puffs,
    Event,
    ScheduledFor,
}

/// <summary>
/// One member's raw value: its JSON type and where its bytes are (string contents, or the number as written).
/// Values are decoded only when validation needs them, so capturing a reading costs a few bytes per member.
/// </summary>
internal readonly record struct FieldValue(JsonTokenType Type, JsonString Text)
{
    public bool IsPresent => Type != JsonTokenType.None;

    public bool Boolean => Type == JsonTokenType.True;

    /// <summary>The number as a finite double; false for a number too large to represent.</summary>
    public bool TryGetNumber(ReadOnlySpan<byte> body, out double value)
    {
        var number = body.Slice(Text.Start, Text.Length);
        return FastNumber.TryParse(number, out value)
            || (Utf8Parser.TryParse(number, out value, out var consumed) && consumed == number.Length && double.IsFinite(value));
    }

    public bool TryGetTime(ReadOnlySpan<byte> body, out DateTimeOffset value)
    {
        value = default;
        return Type == JsonTokenType.String && Timestamps.TryRead(body, Text, out value);
    }
}

[InlineArray(FieldCount)]
internal struct FieldValues
{
    public const int FieldCount = 12;

    private FieldValue _first;
}

/// <summary>The known members of one reading object, captured while reading it (on the stack, no allocation).</summary>
internal struct ReadingFields
{
    private FieldValues _values;

    /// <summary>The first member that appeared twice, or <see cref="ReadingFieldId.Unknown"/>.</summary>
    public ReadingFieldId Duplicate { get; private set; }

    public ReadingFields()
    {
        Duplicate = ReadingFieldId.Unknown;
    }

    public static string Name(ReadingFieldId id) => id switch
    {
        ReadingFieldId.Kind => "kind",
        ReadingFieldId.At => "at",
        ReadingFieldId.Value => "value",
        ReadingFieldId.Unit => "unit",
        ReadingFieldId.Systolic => "systolic",
        ReadingFieldId.Diastolic => "diastolic",
        ReadingFieldId.Method => "method",
        ReadingFieldId.Flow => "flow",
        ReadingFieldId.MedicationId => "medicationId",
        ReadingFieldId.Puffs => "puffs",
        ReadingFieldId.Event => "event",
        ReadingFieldId.ScheduledFor => "scheduledFor",
        _ => "",
    };

    /// <summary>Identifies the property name the reader is positioned on.</summary>
    public static ReadingFieldId Identify(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped ? JsonNames.Unescaped(ref reader, Identify) : Identify(reader.ValueSpan);

    public static ReadingFieldId Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("at"u8) => ReadingFieldId.At,
        4 when name.SequenceEqual("kind"u8) => ReadingFieldId.Kind,
        4 when name.SequenceEqual("unit"u8) => ReadingFieldId.Unit,
        4 when name.SequenceEqual("flow"u8) => ReadingFieldId.Flow,
        5 when name.SequenceEqual("value"u8) => ReadingFieldId.Value,
        5 when name.SequenceEqual("puffs"u8) => ReadingFieldId.Puffs,
        5 when name.SequenceEqual("event"u8) => ReadingFieldId.Event,
        6 when name.SequenceEqual("method"u8) => ReadingFieldId.Method,
        8 when name.SequenceEqual("systolic"u8) => ReadingFieldId.Systolic,
        9 when name.SequenceEqual("diastolic"u8) => ReadingFieldId.Diastolic,
        12 when name.SequenceEqual("medicationId"u8) => ReadingFieldId.MedicationId,
        12 when name.SequenceEqual("scheduledFor"u8) => ReadingFieldId.ScheduledFor,
        _ => ReadingFieldId.Unknown,
    };

    public readonly FieldValue this[ReadingFieldId id] => _values[(int)id];

    /// <summary>Captures the value token the reader is positioned on.</summary>
    public void Capture(ReadingFieldId id, ref Utf8JsonReader reader)
    {
        ref var field = ref _values[(int)id];
        if (field.IsPresent)
        {
            if (Duplicate == ReadingFieldId.Unknown)
            {
                Duplicate = id;
            }

            return;
        }

        field = new FieldValue(reader.TokenType, reader.TokenType == JsonTokenType.String
            ? JsonString.Of(ref reader)
            : new JsonString((int)reader.TokenStartIndex, reader.ValueSpan.Length, Escaped: false));
    }
}

/// <summary>What validating a reading needs besides its own fields.</summary>
internal ref struct ReadingContext(ReadOnlySpan<byte> body, DateTimeOffset receivedAt, IngestionOptions options, List<ReadingResult> readings)
{
    public readonly ReadOnlySpan<byte> Body = body;
    public readonly DateTimeOffset ReceivedAt = receivedAt;
    public readonly IngestionOptions Options = options;
    public readonly List<ReadingResult> Readings = readings;
}
