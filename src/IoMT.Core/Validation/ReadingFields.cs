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

/// <summary>One member's raw value: its JSON type and, depending on it, a number, a boolean, a time or a string location.</summary>
internal struct FieldValue
{
    public JsonTokenType Type;
    public double Number;
    public bool NumberIsFinite;
    public bool Boolean;
    public DateTimeOffset Time;
    public bool TimeIsValid;
    public JsonString Text;

    public readonly bool IsPresent => Type != JsonTokenType.None;
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
    public static ReadingFieldId Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("kind"u8))
        {
            return ReadingFieldId.Kind;
        }

        if (reader.ValueTextEquals("value"u8))
        {
            return ReadingFieldId.Value;
        }

        if (reader.ValueTextEquals("unit"u8))
        {
            return ReadingFieldId.Unit;
        }

        if (reader.ValueTextEquals("at"u8))
        {
            return ReadingFieldId.At;
        }

        if (reader.ValueTextEquals("systolic"u8))
        {
            return ReadingFieldId.Systolic;
        }

        if (reader.ValueTextEquals("diastolic"u8))
        {
            return ReadingFieldId.Diastolic;
        }

        if (reader.ValueTextEquals("method"u8))
        {
            return ReadingFieldId.Method;
        }

        if (reader.ValueTextEquals("flow"u8))
        {
            return ReadingFieldId.Flow;
        }

        if (reader.ValueTextEquals("medicationId"u8))
        {
            return ReadingFieldId.MedicationId;
        }

        if (reader.ValueTextEquals("puffs"u8))
        {
            return ReadingFieldId.Puffs;
        }

        if (reader.ValueTextEquals("event"u8))
        {
            return ReadingFieldId.Event;
        }

        return reader.ValueTextEquals("scheduledFor"u8) ? ReadingFieldId.ScheduledFor : ReadingFieldId.Unknown;
    }

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

        field.Type = reader.TokenType;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                field.NumberIsFinite = reader.TryGetDouble(out field.Number) && double.IsFinite(field.Number);
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                field.Boolean = reader.TokenType == JsonTokenType.True;
                break;
            case JsonTokenType.String:
                field.Text = JsonString.Of(ref reader);
                if (id is ReadingFieldId.At or ReadingFieldId.ScheduledFor)
                {
                    field.TimeIsValid = Timestamps.TryRead(ref reader, out field.Time);
                }

                break;
        }
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
