using System.Text.Json;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Validation;

/// <summary>
/// Turns the captured members of one reading into a <see cref="Reading"/> in canonical units, or into the first
/// problem found: structure (kind, time format, required members, types, units) before values and times.
/// </summary>
internal static class ReadingValidator
{
    private static readonly byte[][] EcgCodes = [.. EcgRhythms.All.Select(System.Text.Encoding.UTF8.GetBytes)];
    private static readonly byte[][] AcvpuCodes = [.. Acvpu.All.Select(System.Text.Encoding.UTF8.GetBytes)];

    public static (Reading? Reading, ValidationError? Error) Validate(ref ReadingFields fields, int index, ref ReadingContext context)
    {
        var v = new Checker(index, context.Body);
        if (fields.Duplicate != ReadingFieldId.Unknown)
        {
            return v.Fail(fields.Duplicate, ErrorCodes.SchemaDuplicateProperty, $"'{ReadingFields.Name(fields.Duplicate)}' appears more than once.");
        }

        var kindField = fields[ReadingFieldId.Kind];
        if (!kindField.IsPresent)
        {
            return v.Required(ReadingFieldId.Kind, "every reading");
        }

        if (kindField.Type != JsonTokenType.String)
        {
            return v.WrongType(ReadingFieldId.Kind, "a string");
        }

        var kindName = kindField.Text;
        var parsedKind = kindName.Escaped ? kindName.Identify(context.Body, ReadingKinds.Parse) : ReadingKinds.Parse(context.Body.Slice(kindName.Start, kindName.Length));
        if (parsedKind is not { } kind)
        {
            return v.Fail(ReadingFieldId.Kind, ErrorCodes.ReadingKindUnknown, $"Unknown reading kind '{kindField.Text.ToDisplayString(context.Body)}'.");
        }

        var info = ReadingKinds.Get(kind);
        var atField = fields[ReadingFieldId.At];
        if (!atField.IsPresent)
        {
            return v.Required(ReadingFieldId.At, "every reading");
        }

        if (!atField.TryGetTime(context.Body, out var at))
        {
            return v.Fail(ReadingFieldId.At, atField.Type == JsonTokenType.String ? ErrorCodes.SchemaFormat : ErrorCodes.SchemaType, Timestamps.FormatMessage("at"));
        }

        var (reading, error) = kind switch
        {
            ReadingKind.BloodPressure => BloodPressure(ref fields, at, ref v),
            ReadingKind.Glucose => Glucose(ref fields, at, info, ref v),
            ReadingKind.EcgRhythm => Coded(ref fields, kind, at, EcgCodes, EcgRhythms.All, ref v),
            ReadingKind.Consciousness => Coded(ref fields, kind, at, AcvpuCodes, Acvpu.All, ref v),
            ReadingKind.OxygenSupplement => OxygenSupplement(ref fields, at, ref v),
            ReadingKind.InhalerActuation => InhalerActuation(ref fields, at, ref v),
            ReadingKind.DoseEvent => DoseEvent(ref fields, at, ref v),
            _ => Quantity(ref fields, info, at, ref v),
        };

        return error is not null ? (null, error) : CheckTime(reading!, ref context, ref v);
    }

    private static (Reading?, ValidationError?) CheckTime(Reading reading, ref ReadingContext context, ref Checker v)
    {
        var ahead = reading.At - context.ReceivedAt;
        if (ahead > context.Options.ClockSkewTolerance)
        {
            return v.Fail(ReadingFieldId.At, ErrorCodes.TimeFuture,
                $"The reading time is {ahead:g} after the receive time; the clock-skew tolerance is {context.Options.ClockSkewTolerance:g}.");
        }

        if (-ahead > context.Options.MaxReadingAge)
        {
            return v.Fail(ReadingFieldId.At, ErrorCodes.TimeTooOld,
                $"The reading is {-ahead:g} older than its receive time; readings older than {context.Options.MaxReadingAge:g} are not accepted.");
        }

        return (reading, null);
    }

    private static (Reading?, ValidationError?) Quantity(ref ReadingFields fields, ReadingKindInfo info, DateTimeOffset at, ref Checker v)
    {
        if (!v.Number(ref fields, ReadingFieldId.Value, info.ContractName, out var raw, out var error)
            || !v.Unit(ref fields, info, out var unit, out error))
        {
            return (null, error);
        }

        var value = unit.ToCanonical(raw);
        return v.InRange(ReadingFieldId.Value, info.ContractName, value, info.Range!.Value, info.CanonicalUnit, out error)
            ? (new QuantityReading(info.Kind, at, value, unit.Ucum), null)
            : (null, error);
    }

    private static (Reading?, ValidationError?) BloodPressure(ref ReadingFields fields, DateTimeOffset at, ref Checker v)
    {
        var info = ReadingKinds.Get(ReadingKind.BloodPressure);
        if (!v.Number(ref fields, ReadingFieldId.Systolic, "bloodPressure", out var systolic, out var error)
            || !v.Number(ref fields, ReadingFieldId.Diastolic, "bloodPressure", out var diastolic, out error)
            || !v.Unit(ref fields, info, out _, out error)
            || !v.InRange(ReadingFieldId.Systolic, "systolic pressure", systolic, ReadingKinds.Systolic, Ucum.MillimetreOfMercury, out error)
            || !v.InRange(ReadingFieldId.Diastolic, "diastolic pressure", diastolic, ReadingKinds.Diastolic, Ucum.MillimetreOfMercury, out error))
        {
            return (null, error);
        }

        return diastolic >= systolic
            ? v.Fail(ReadingFieldId.Diastolic, ErrorCodes.ValueOutOfRange,
                FormattableString.Invariant($"The diastolic pressure {diastolic} mm[Hg] must be below the systolic pressure {systolic} mm[Hg]."))
            : (new BloodPressureReading(at, systolic, diastolic), null);
    }

    private static (Reading?, ValidationError?) Glucose(ref ReadingFields fields, DateTimeOffset at, ReadingKindInfo info, ref Checker v)
    {
        var method = GlucoseMethod.Cgm;
        var methodField = fields[ReadingFieldId.Method];
        if (methodField.IsPresent)
        {
            if (methodField.Type != JsonTokenType.String)
            {
                return v.WrongType(ReadingFieldId.Method, "a string");
            }

            if (methodField.Text.Matches(v.Body, "meter"u8))
            {
                method = GlucoseMethod.Meter;
            }
            else if (!methodField.Text.Matches(v.Body, "cgm"u8))
            {
                return v.Fail(ReadingFieldId.Method, ErrorCodes.ValueInvalid, $"Unknown glucose method '{methodField.Text.ToDisplayString(v.Body)}'; use 'cgm' or 'meter'.");
            }
        }

        if (!v.Number(ref fields, ReadingFieldId.Value, info.ContractName, out var raw, out var error) || !v.Unit(ref fields, info, out var unit, out error))
        {
            return (null, error);
        }

        var mgPerDl = unit.ToCanonical(raw);
        return v.InRange(ReadingFieldId.Value, "glucose", mgPerDl, info.Range!.Value, info.CanonicalUnit, out error)
            ? (new GlucoseReading(at, mgPerDl, method, unit.Ucum), null)
            : (null, error);
    }

    private static (Reading?, ValidationError?) Coded(ref ReadingFields fields, ReadingKind kind, DateTimeOffset at, byte[][] utf8Codes, IReadOnlyList<string> codes, ref Checker v)
    {
        var field = fields[ReadingFieldId.Value];
        if (!field.IsPresent)
        {
            return v.Required(ReadingFieldId.Value, kind.ContractName() + " readings");
        }

        if (field.Type != JsonTokenType.String)
        {
            return v.WrongType(ReadingFieldId.Value, "a string");
        }

        for (var i = 0; i < utf8Codes.Length; i++)
        {
            if (field.Text.Matches(v.Body, utf8Codes[i]))
            {
                return (new CodedReading(kind, at, codes[i]), null);
            }
        }

        return v.Fail(ReadingFieldId.Value, ErrorCodes.ValueInvalid,
            $"'{field.Text.ToDisplayString(v.Body)}' is not a {kind.ContractName()} code; use one of: {string.Join(", ", codes)}.");
    }

    private static (Reading?, ValidationError?) OxygenSupplement(ref ReadingFields fields, DateTimeOffset at, ref Checker v)
    {
        var field = fields[ReadingFieldId.Value];
        if (!field.IsPresent)
        {
            return v.Required(ReadingFieldId.Value, "oxygenSupplement readings");
        }

        if (field.Type is not (JsonTokenType.True or JsonTokenType.False))
        {
            return v.WrongType(ReadingFieldId.Value, "true or false");
        }

        if (!fields[ReadingFieldId.Flow].IsPresent)
        {
            return (new OxygenSupplementReading(at, field.Boolean, null), null);
        }

        var info = ReadingKinds.Get(ReadingKind.OxygenSupplement);
        if (!v.Number(ref fields, ReadingFieldId.Flow, "oxygenSupplement", out var flow, out var error)
            || !v.Unit(ref fields, info, out _, out error)
            || !v.InRange(ReadingFieldId.Flow, "oxygen flow", flow, ReadingKinds.OxygenFlow, Ucum.LitresPerMinute, out error))
        {
            return (null, error);
        }

        return !field.Boolean && flow > 0
            ? v.Fail(ReadingFieldId.Flow, ErrorCodes.ValueInvalid, "An oxygen flow above 0 contradicts 'value': false.")
            : (new OxygenSupplementReading(at, field.Boolean, flow), null);
    }

    private static (Reading?, ValidationError?) InhalerActuation(ref ReadingFields fields, DateTimeOffset at, ref Checker v)
    {
        if (!v.Identifier(ref fields, ReadingFieldId.MedicationId, "inhalerActuation", out var medicationId, out var error)
            || !v.Number(ref fields, ReadingFieldId.Puffs, "inhalerActuation", out var puffs, out error))
        {
            return (null, error);
        }

        if (puffs != Math.Floor(puffs))
        {
            return v.WrongType(ReadingFieldId.Puffs, "a whole number");
        }

        return v.InRange(ReadingFieldId.Puffs, "puffs", puffs, ReadingKinds.Puffs, "", out error)
            ? (new InhalerActuationReading(at, medicationId, (int)puffs), null)
            : (null, error);
    }

    private static (Reading?, ValidationError?) DoseEvent(ref ReadingFields fields, DateTimeOffset at, ref Checker v)
    {
        if (!v.Identifier(ref fields, ReadingFieldId.MedicationId, "doseEvent", out var medicationId, out var error))
        {
            return (null, error);
        }

        var eventField = fields[ReadingFieldId.Event];
        if (!eventField.IsPresent)
        {
            return v.Required(ReadingFieldId.Event, "doseEvent readings");
        }

        if (eventField.Type != JsonTokenType.String)
        {
            return v.WrongType(ReadingFieldId.Event, "a string");
        }

        DoseEventType type;
        if (eventField.Text.Matches(v.Body, "taken"u8))
        {
            type = DoseEventType.Taken;
        }
        else if (eventField.Text.Matches(v.Body, "dispensed"u8))
        {
            type = DoseEventType.Dispensed;
        }
        else if (eventField.Text.Matches(v.Body, "missed"u8))
        {
            type = DoseEventType.Missed;
        }
        else if (eventField.Text.Matches(v.Body, "skipped"u8))
        {
            type = DoseEventType.Skipped;
        }
        else
        {
            return v.Fail(ReadingFieldId.Event, ErrorCodes.ValueInvalid,
                $"Unknown dose event '{eventField.Text.ToDisplayString(v.Body)}'; use dispensed, taken, missed or skipped.");
        }

        var scheduled = fields[ReadingFieldId.ScheduledFor];
        DateTimeOffset scheduledFor = default;
        if (scheduled.IsPresent && !scheduled.TryGetTime(v.Body, out scheduledFor))
        {
            return v.Fail(ReadingFieldId.ScheduledFor, scheduled.Type == JsonTokenType.String ? ErrorCodes.SchemaFormat : ErrorCodes.SchemaType,
                Timestamps.FormatMessage("scheduledFor"));
        }

        return (new DoseEventReading(at, medicationId, type, scheduled.IsPresent ? scheduledFor : null), null);
    }

    /// <summary>Builds errors for one reading: pointers like <c>/readings/3/value</c>.</summary>
    private readonly ref struct Checker(int index, ReadOnlySpan<byte> body)
    {
        private const int MaxIdentifierLength = 128;

        public readonly ReadOnlySpan<byte> Body = body;

        public (Reading?, ValidationError?) Fail(ReadingFieldId field, string code, string message) =>
            (null, new ValidationError(code, $"/readings/{index}/{ReadingFields.Name(field)}", message));

        public (Reading?, ValidationError?) Required(ReadingFieldId field, string what) =>
            Fail(field, ErrorCodes.SchemaRequired, $"'{ReadingFields.Name(field)}' is required for {what}.");

        public (Reading?, ValidationError?) WrongType(ReadingFieldId field, string expected) =>
            Fail(field, ErrorCodes.SchemaType, $"'{ReadingFields.Name(field)}' must be {expected}.");

        public bool Number(ref ReadingFields fields, ReadingFieldId id, string kindName, out double value, out ValidationError? error)
        {
            var field = fields[id];
            value = 0;
            (_, error) = !field.IsPresent ? Required(id, kindName + " readings")
                : field.Type != JsonTokenType.Number ? WrongType(id, "a number")
                : !field.TryGetNumber(Body, out value) ? Fail(id, ErrorCodes.ValueOutOfRange, $"'{ReadingFields.Name(id)}' is too large to be a measurement.")
                : default;
            return error is null;
        }

        public bool Unit(ref ReadingFields fields, ReadingKindInfo info, out AcceptedUnit unit, out ValidationError? error)
        {
            var field = fields[ReadingFieldId.Unit];
            unit = null!;
            if (!field.IsPresent || field.Type != JsonTokenType.String)
            {
                (_, error) = !field.IsPresent ? Required(ReadingFieldId.Unit, info.ContractName + " readings") : WrongType(ReadingFieldId.Unit, "a string");
                return false;
            }

            foreach (var accepted in info.AcceptedUnits)
            {
                if (field.Text.Matches(Body, accepted.Utf8))
                {
                    unit = accepted;
                    error = null;
                    return true;
                }
            }

            (_, error) = Fail(ReadingFieldId.Unit, ErrorCodes.UnitUnsupported,
                $"Unit '{field.Text.ToDisplayString(Body)}' is not supported for {info.ContractName}; use {string.Join(" or ", info.Units.Select(u => u.Ucum))} (UCUM, case-sensitive).");
            return false;
        }

        public bool InRange(ReadingFieldId id, string what, double value, PlausibleRange range, string unit, out ValidationError? error)
        {
            if (range.Contains(value))
            {
                error = null;
                return true;
            }

            var suffix = unit.Length == 0 ? "" : " " + unit;
            (_, error) = Fail(id, ErrorCodes.ValueOutOfRange,
                FormattableString.Invariant($"The {what} {Math.Round(value, 2)}{suffix} is outside the plausible range {range}{suffix}."));
            return false;
        }

        public bool Identifier(ref ReadingFields fields, ReadingFieldId id, string kindName, out string text, out ValidationError? error)
        {
            var field = fields[id];
            text = "";
            if (!field.IsPresent)
            {
                (_, error) = Required(id, kindName + " readings");
                return false;
            }

            if (field.Type != JsonTokenType.String)
            {
                (_, error) = WrongType(id, "a string");
                return false;
            }

            if (!field.Text.TryGetString(Body, out var value) || value.Length == 0 || JsonText.CharacterCount(value) > MaxIdentifierLength)
            {
                (_, error) = Fail(id, ErrorCodes.SchemaFormat, $"'{ReadingFields.Name(id)}' must hold 1 to {MaxIdentifierLength} characters of valid UTF-8.");
                return false;
            }

            text = value;
            error = null;
            return true;
        }
    }
}
