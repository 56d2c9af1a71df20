using IoMT.Core.Telemetry;
using IoMT.Core.Validation;
using IoMT.Testing;
using static IoMT.Core.Tests.Validation.ParserHarness;

namespace IoMT.Core.Tests.Validation;

public class ReadingValidationTests
{
    private const string At = "\"at\":\"2026-11-21T08:30:00Z\"";

    [Theory]
    [InlineData("heartRate", 72, "/min", 72)]
    [InlineData("heartRate", 72, "{beats}/min", 72)]
    [InlineData("respiratoryRate", 18, "/min", 18)]
    [InlineData("respiratoryRate", 18, "{breaths}/min", 18)]
    [InlineData("spo2", 97, "%", 97)]
    [InlineData("bodyTemperature", 37.2, "Cel", 37.2)]
    [InlineData("bodyTemperature", 98.6, "[degF]", 37.0)]
    [InlineData("bodyTemperature", 104, "[degF]", 40.0)]
    [InlineData("weight", 80, "kg", 80)]
    [InlineData("weight", 176.37, "[lb_av]", 80.0000863)]
    [InlineData("weight", 100, "[lb_av]", 45.359237)]
    [InlineData("storageTemperature", 5, "Cel", 5)]
    [InlineData("storageTemperature", 41, "[degF]", 5)]
    [InlineData("battery", 64, "%", 64)]
    [InlineData("fev1", 1.42, "L", 1.42)]
    [InlineData("fvc", 2.61, "L", 2.61)]
    [InlineData("peakFlow", 310, "L/min", 310)]
    public void Validate_QuantityInSupportedUnit_CanonicalValueAndSourceUnit(string kind, double value, string unit, double canonical)
    {
        var result = ParseReading($$"""{"kind":"{{kind}}","value":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"unit":"{{unit}}",{{At}}}""");

        var reading = Assert.IsType<QuantityReading>(result.Reading);
        Assert.True(ReadingKinds.TryParse(kind, out var expectedKind));
        Assert.Equal(expectedKind, reading.Kind);
        Assert.Equal(canonical, reading.Value, 4);
        Assert.Equal(unit, reading.SourceUnit);
        Assert.Equal(ReadingKinds.Get(expectedKind).CanonicalUnit, reading.Unit);
        Assert.Equal(TelemetryMessage.DefaultTime, reading.At);
    }

    [Theory]
    [InlineData(108, "mg/dL", 108)]
    [InlineData(6.0, "mmol/L", 108.096)]
    [InlineData(3.0, "mmol/L", 54.048)]
    public void Validate_Glucose_ConvertsMmolPerLitreWith18Point016(double value, string unit, double mgPerDl)
    {
        var result = ParseReading($$"""{"kind":"glucose","value":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"unit":"{{unit}}",{{At}}}""");

        var glucose = Assert.IsType<GlucoseReading>(result.Reading);
        Assert.Equal(mgPerDl, glucose.MgPerDl, 6);
        Assert.Equal(GlucoseMethod.Cgm, glucose.Method);
        Assert.Equal(unit, glucose.SourceUnit);
    }

    [Fact]
    public void Validate_GlucoseFromMeter_KeepsMethod()
    {
        var glucose = Assert.IsType<GlucoseReading>(ParseReading($$"""{"kind":"glucose","method":"meter","value":99,"unit":"mg/dL",{{At}}}""").Reading);

        Assert.Equal(GlucoseMethod.Meter, glucose.Method);
    }

    [Fact]
    public void Validate_GlucoseUnknownMethod_ValueInvalid()
    {
        AssertRejected($$"""{"kind":"glucose","method":"lab","value":99,"unit":"mg/dL",{{At}}}""", ErrorCodes.ValueInvalid, "method");
    }

    [Fact]
    public void Validate_BloodPressure_SystolicAndDiastolic()
    {
        var pressure = Assert.IsType<BloodPressureReading>(ParseReading($$"""{"kind":"bloodPressure","systolic":128,"diastolic":82,"unit":"mm[Hg]",{{At}}}""").Reading);

        Assert.Equal((128.0, 82.0), (pressure.Systolic, pressure.Diastolic));
    }

    [Theory]
    [InlineData(40, 20, null, null)]
    [InlineData(300, 200, null, null)]
    [InlineData(39.9, 30, ErrorCodes.ValueOutOfRange, "systolic")]
    [InlineData(300.1, 80, ErrorCodes.ValueOutOfRange, "systolic")]
    [InlineData(120, 19.9, ErrorCodes.ValueOutOfRange, "diastolic")]
    [InlineData(250, 200.1, ErrorCodes.ValueOutOfRange, "diastolic")]
    [InlineData(80, 80, ErrorCodes.ValueOutOfRange, "diastolic")]
    [InlineData(80, 90, ErrorCodes.ValueOutOfRange, "diastolic")]
    public void Validate_BloodPressureBounds(double systolic, double diastolic, string? code, string? member)
    {
        var json = FormattableString.Invariant($$"""{"kind":"bloodPressure","systolic":{{systolic}},"diastolic":{{diastolic}},"unit":"mm[Hg]",{{At}}}""");
        if (code is null)
        {
            Assert.NotNull(ParseReading(json).Reading);
        }
        else
        {
            AssertRejected(json, code, member!);
        }
    }

    [Theory]
    [InlineData("systolic")]
    [InlineData("diastolic")]
    [InlineData("unit")]
    public void Validate_BloodPressureMissingMember_SchemaRequired(string member)
    {
        var members = new Dictionary<string, string> { ["systolic"] = "\"systolic\":120", ["diastolic"] = "\"diastolic\":80", ["unit"] = "\"unit\":\"mm[Hg]\"" };
        members.Remove(member);

        AssertRejected($$"""{"kind":"bloodPressure",{{string.Join(",", members.Values)}},{{At}}}""", ErrorCodes.SchemaRequired, member);
    }

    /// <summary>Every kind's plausible range, in its canonical unit: the limits pass, just outside fails.</summary>
    [Theory]
    [InlineData("heartRate", "/min", 20, 300)]
    [InlineData("respiratoryRate", "/min", 0, 80)]
    [InlineData("spo2", "%", 50, 100)]
    [InlineData("bodyTemperature", "Cel", 25, 45)]
    [InlineData("glucose", "mg/dL", 20, 600)]
    [InlineData("weight", "kg", 0.5, 500)]
    [InlineData("storageTemperature", "Cel", -40, 60)]
    [InlineData("battery", "%", 0, 100)]
    [InlineData("fev1", "L", 0.1, 8)]
    [InlineData("fvc", "L", 0.1, 10)]
    [InlineData("peakFlow", "L/min", 30, 1000)]
    public void Validate_PlausibleRange_LimitsIncludedJustOutsideRejected(string kind, string unit, double min, double max)
    {
        string Reading(double value) => FormattableString.Invariant($$"""{"kind":"{{kind}}","value":{{value}},"unit":"{{unit}}",{{At}}}""");

        Assert.NotNull(ParseReading(Reading(min)).Reading);
        Assert.NotNull(ParseReading(Reading(max)).Reading);
        AssertRejected(Reading(min - 0.01), ErrorCodes.ValueOutOfRange, "value");
        AssertRejected(Reading(max + 0.01), ErrorCodes.ValueOutOfRange, "value");
    }

    [Theory]
    [InlineData("bodyTemperature", 114, "[degF]")]
    [InlineData("glucose", 34, "mmol/L")]
    [InlineData("glucose", 1.1, "mmol/L")]
    [InlineData("weight", 1200, "[lb_av]")]
    public void Validate_RangeCheckedAfterConversion(string kind, double value, string unit)
    {
        AssertRejected(FormattableString.Invariant($$"""{"kind":"{{kind}}","value":{{value}},"unit":"{{unit}}",{{At}}}"""), ErrorCodes.ValueOutOfRange, "value");
    }

    [Theory]
    [InlineData("heartRate", "bpm")]
    [InlineData("heartRate", "/s")]
    [InlineData("spo2", "percent")]
    [InlineData("bodyTemperature", "cel")]
    [InlineData("bodyTemperature", "degF")]
    [InlineData("glucose", "mg/dl")]
    [InlineData("weight", "lb")]
    [InlineData("battery", "/min")]
    public void Validate_UnitNotSupportedForKind_UnitUnsupportedNamingAlternatives(string kind, string unit)
    {
        var error = AssertRejected($$"""{"kind":"{{kind}}","value":50,"unit":"{{unit}}",{{At}}}""", ErrorCodes.UnitUnsupported, "unit");

        Assert.Contains(ReadingKinds.Catalog.Single(k => k.ContractName == kind).Units[0].Ucum, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_QuantityWithoutUnit_SchemaRequired() =>
        AssertRejected($$"""{"kind":"spo2","value":95,{{At}}}""", ErrorCodes.SchemaRequired, "unit");

    [Theory]
    [InlineData("\"value\":\"95\"", "value")]
    [InlineData("\"value\":true", "value")]
    [InlineData("\"value\":null", "value")]
    [InlineData("\"value\":[95]", "value")]
    [InlineData("\"value\":95,\"unit\":37", "unit")]
    public void Validate_MemberOfWrongType_SchemaType(string members, string member)
    {
        var unit = members.Contains("\"unit\"", StringComparison.Ordinal) ? "" : ",\"unit\":\"%\"";
        AssertRejected($$"""{"kind":"spo2",{{members}}{{unit}},{{At}}}""", ErrorCodes.SchemaType, member);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Validate_NumberBeyondDoubleRange_ValueOutOfRange(string number) =>
        AssertRejected($$"""{"kind":"spo2","value":{{number}},"unit":"%",{{At}}}""", ErrorCodes.ValueOutOfRange, "value");

    [Theory]
    [InlineData("\"kind\":\"pulse\"", ErrorCodes.ReadingKindUnknown)]
    [InlineData("\"kind\":\"HeartRate\"", ErrorCodes.ReadingKindUnknown)]
    [InlineData("\"kind\":3", ErrorCodes.SchemaType)]
    public void Validate_BadKind(string kindMember, string code)
    {
        AssertRejected($$"""{{{kindMember}},"value":1,"unit":"/min",{{At}}}""", code, "kind");
    }

    [Fact]
    public void Validate_KindWithEscapedCharacters_Recognized()
    {
        Assert.IsType<QuantityReading>(ParseReading($$"""{"kind":"sp\u006f2","value":95,"unit":"%",{{At}}}""").Reading);
    }

    [Theory]
    [InlineData("\"at\":\"2026-11-21T08:30:00\"", ErrorCodes.SchemaFormat)]
    [InlineData("\"at\":\"2026-11-21\"", ErrorCodes.SchemaFormat)]
    [InlineData("\"at\":\"21/11/2026 08:30\"", ErrorCodes.SchemaFormat)]
    [InlineData("\"at\":\"2026-11-31T08:30:00Z\"", ErrorCodes.SchemaFormat)]
    [InlineData("\"at\":\"0001-01-01T00:00:00+01:00\"", ErrorCodes.SchemaFormat)]
    [InlineData("\"at\":1763713800", ErrorCodes.SchemaType)]
    public void Validate_BadTime(string atMember, string code) =>
        AssertRejected($$"""{"kind":"spo2","value":95,"unit":"%",{{atMember}}}""", code, "at");

    [Fact]
    public void Validate_EscapedTimeWithInvalidUtf8_JsonMalformedNotException()
    {
        var json = """{"schema":"iomt.telemetry/1","messageId":"m-1","deviceId":"oximeter-0042","sentAt":"2026-11-21T08:30:05Z","readings":[{"kind":"spo2","value":95,"unit":"%","at":"2026-11-21T08:30:00.0@0\u002B00:00"}]}""";
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        body[Array.IndexOf(body, (byte)'@')] = 0xA7;

        var (envelope, _) = Parse(body);

        Assert.Equal(ErrorCodes.JsonMalformed, envelope.Error!.Code);
    }

    [Fact]
    public void Validate_EscapedTime_Accepted()
    {
        var reading = ParseReading($$"""{"kind":"spo2","value":95,"unit":"%","at":"2026-11-21T09:30:00\u002B01:00"}""").Reading!;

        Assert.Equal(TelemetryMessage.DefaultTime, reading.At);
    }

    [Fact]
    public void Validate_MissingTime_SchemaRequired() =>
        AssertRejected("""{"kind":"spo2","value":95,"unit":"%"}""", ErrorCodes.SchemaRequired, "at");

    [Theory]
    [InlineData("2026-11-21T08:30:00.123Z")]
    [InlineData("2026-11-21T09:30:00+01:00")]
    [InlineData("2026-11-21T03:30:00-05:00")]
    [InlineData("2026-11-21t08:30:00z")]
    public void Validate_TimeWithOffset_SameInstant(string at)
    {
        var reading = ParseReading($$"""{"kind":"spo2","value":95,"unit":"%","at":"{{at}}"}""").Reading!;

        Assert.Equal(TelemetryMessage.DefaultTime, reading.At, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Validate_TimeAtClockSkewTolerance_AcceptedOneMillisecondMoreIsFuture()
    {
        var tolerance = new IngestionOptions().ClockSkewTolerance;
        string Reading(DateTimeOffset at) => $$"""{"kind":"spo2","value":95,"unit":"%","at":"{{TelemetryMessage.Iso(at)}}"}""";

        Assert.NotNull(ParseReading(Reading(ReceivedAt + tolerance)).Reading);
        AssertRejected(Reading(ReceivedAt + tolerance + TimeSpan.FromMilliseconds(1)), ErrorCodes.TimeFuture, "at");
    }

    [Fact]
    public void Validate_TimeAtMaxAge_AcceptedOneMillisecondOlderIsTooOld()
    {
        var maxAge = new IngestionOptions().MaxReadingAge;
        string Reading(DateTimeOffset at) => $$"""{"kind":"spo2","value":95,"unit":"%","at":"{{TelemetryMessage.Iso(at)}}"}""";

        Assert.NotNull(ParseReading(Reading(ReceivedAt - maxAge)).Reading);
        AssertRejected(Reading(ReceivedAt - maxAge - TimeSpan.FromMilliseconds(1)), ErrorCodes.TimeTooOld, "at");
    }

    [Theory]
    [InlineData("sinus")]
    [InlineData("afib")]
    [InlineData("vt")]
    public void Validate_EcgRhythmKnownCode_Accepted(string code)
    {
        var reading = Assert.IsType<CodedReading>(ParseReading($$"""{"kind":"ecgRhythm","value":"{{code}}",{{At}}}""").Reading);

        Assert.Equal((ReadingKind.EcgRhythm, code), (reading.Kind, reading.Code));
    }

    [Theory]
    [InlineData("ecgRhythm", "\"AFIB\"", ErrorCodes.ValueInvalid)]
    [InlineData("ecgRhythm", "\"atrial fibrillation\"", ErrorCodes.ValueInvalid)]
    [InlineData("ecgRhythm", "1", ErrorCodes.SchemaType)]
    [InlineData("consciousness", "\"X\"", ErrorCodes.ValueInvalid)]
    [InlineData("consciousness", "\"a\"", ErrorCodes.ValueInvalid)]
    [InlineData("consciousness", "false", ErrorCodes.SchemaType)]
    public void Validate_CodedValueNotInList(string kind, string value, string code) =>
        AssertRejected($$"""{"kind":"{{kind}}","value":{{value}},{{At}}}""", code, "value");

    [Theory]
    [InlineData("A")]
    [InlineData("C")]
    [InlineData("V")]
    [InlineData("P")]
    [InlineData("U")]
    public void Validate_ConsciousnessAcvpu_Accepted(string level)
    {
        Assert.Equal(level, Assert.IsType<CodedReading>(ParseReading($$"""{"kind":"consciousness","value":"{{level}}",{{At}}}""").Reading).Code);
    }

    [Fact]
    public void Validate_OxygenSupplement_WithAndWithoutFlow()
    {
        var withFlow = Assert.IsType<OxygenSupplementReading>(ParseReading($$"""{"kind":"oxygenSupplement","value":true,"flow":2.5,"unit":"L/min",{{At}}}""").Reading);
        var withoutFlow = Assert.IsType<OxygenSupplementReading>(ParseReading($$"""{"kind":"oxygenSupplement","value":false,{{At}}}""").Reading);

        Assert.Equal((true, (double?)2.5), (withFlow.OnOxygen, withFlow.FlowLitresPerMinute));
        Assert.Equal((false, (double?)null), (withoutFlow.OnOxygen, withoutFlow.FlowLitresPerMinute));
    }

    [Theory]
    [InlineData("\"value\":\"yes\"", ErrorCodes.SchemaType, "value")]
    [InlineData("\"value\":true,\"flow\":2", ErrorCodes.SchemaRequired, "unit")]
    [InlineData("\"value\":true,\"flow\":2,\"unit\":\"l/min\"", ErrorCodes.UnitUnsupported, "unit")]
    [InlineData("\"value\":true,\"flow\":71,\"unit\":\"L/min\"", ErrorCodes.ValueOutOfRange, "flow")]
    [InlineData("\"value\":false,\"flow\":2,\"unit\":\"L/min\"", ErrorCodes.ValueInvalid, "flow")]
    public void Validate_OxygenSupplementInvalid(string members, string code, string member) =>
        AssertRejected($$"""{"kind":"oxygenSupplement",{{members}},{{At}}}""", code, member);

    [Fact]
    public void Validate_InhalerActuation_MedicationAndPuffs()
    {
        var reading = Assert.IsType<InhalerActuationReading>(ParseReading($$"""{"kind":"inhalerActuation","medicationId":"salbutamol-100mcg","puffs":2,{{At}}}""").Reading);

        Assert.Equal(("salbutamol-100mcg", 2), (reading.MedicationId, reading.Puffs));
    }

    [Theory]
    [InlineData("\"puffs\":2", ErrorCodes.SchemaRequired, "medicationId")]
    [InlineData("\"medicationId\":\"\",\"puffs\":2", ErrorCodes.SchemaFormat, "medicationId")]
    [InlineData("\"medicationId\":7,\"puffs\":2", ErrorCodes.SchemaType, "medicationId")]
    [InlineData("\"medicationId\":\"m\"", ErrorCodes.SchemaRequired, "puffs")]
    [InlineData("\"medicationId\":\"m\",\"puffs\":1.5", ErrorCodes.SchemaType, "puffs")]
    [InlineData("\"medicationId\":\"m\",\"puffs\":0", ErrorCodes.ValueOutOfRange, "puffs")]
    [InlineData("\"medicationId\":\"m\",\"puffs\":21", ErrorCodes.ValueOutOfRange, "puffs")]
    public void Validate_InhalerActuationInvalid(string members, string code, string member) =>
        AssertRejected($$"""{"kind":"inhalerActuation",{{members}},{{At}}}""", code, member);

    [Theory]
    [InlineData("dispensed", DoseEventType.Dispensed)]
    [InlineData("taken", DoseEventType.Taken)]
    [InlineData("missed", DoseEventType.Missed)]
    [InlineData("skipped", DoseEventType.Skipped)]
    public void Validate_DoseEvent_AllEvents(string name, DoseEventType expected)
    {
        var reading = Assert.IsType<DoseEventReading>(ParseReading(
            $$"""{"kind":"doseEvent","medicationId":"metformin-500mg","event":"{{name}}","scheduledFor":"2026-11-21T08:00:00Z",{{At}}}""").Reading);

        Assert.Equal(expected, reading.Event);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero), reading.ScheduledFor);
    }

    [Theory]
    [InlineData("\"medicationId\":\"m\"", ErrorCodes.SchemaRequired, "event")]
    [InlineData("\"medicationId\":\"m\",\"event\":\"eaten\"", ErrorCodes.ValueInvalid, "event")]
    [InlineData("\"medicationId\":\"m\",\"event\":\"taken\",\"scheduledFor\":\"08:00\"", ErrorCodes.SchemaFormat, "scheduledFor")]
    public void Validate_DoseEventInvalid(string members, string code, string member) =>
        AssertRejected($$"""{"kind":"doseEvent",{{members}},{{At}}}""", code, member);

    [Fact]
    public void Validate_MemberTwice_SchemaDuplicateProperty() =>
        AssertRejected($$"""{"kind":"spo2","value":95,"value":80,"unit":"%",{{At}}}""", ErrorCodes.SchemaDuplicateProperty, "value");

    [Fact]
    public void Validate_MembersForOtherKinds_Ignored()
    {
        Assert.IsType<QuantityReading>(ParseReading($$"""{"kind":"spo2","value":95,"unit":"%","systolic":"x","puffs":[1],{{At}}}""").Reading);
    }

    private static ValidationError AssertRejected(string readingJson, string code, string member)
    {
        var result = ParseReading(readingJson);
        Assert.Null(result.Reading);
        Assert.NotNull(result.Error);
        Assert.Equal((code, "/readings/0/" + member), (result.Error.Code, result.Error.Pointer));
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        return result.Error;
    }
}
