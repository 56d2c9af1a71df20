using System.Text;
using System.Text.Json;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Validation;
using static IoMT.Core.Tests.Mapping.MappingFixtures;

namespace IoMT.Core.Tests.Mapping;

public sealed class DeviceMappingTests
{
    private const string MedTechDevice = "medtech-sample-01";

    [Theory]
    [InlineData("medtech-heartrate", "heartRate", "value", 78.0, "/min")]
    [InlineData("medtech-spo2", "spo2", "value", 96.0, "%")]
    [InlineData("medtech-steps", "steps", "value", 1280.0, "{steps}")]
    [InlineData("medtech-bloodpressure", "bloodPressure", "systolic", 124.0, "mm[Hg]")]
    public void Map_MedTechSampleMapping_ProducesTheExpectedValidReading(string message, string kind, string member, double value, string unit)
    {
        var mapped = Map("medtech-samples", message, MedTechDevice);

        var reading = Assert.Single(Readings(mapped));
        Assert.Equal(kind, reading.GetProperty("kind").GetString());
        Assert.Equal(value, reading.GetProperty(member).GetDouble());
        Assert.Equal(unit, reading.GetProperty("unit").GetString());
        Assert.Equal("2026-11-21T08:30:00.000Z", reading.GetProperty("at").GetString());
        var (envelope, validated) = Validate(mapped, MedTechDevice);
        Assert.Null(envelope.Error);
        Assert.Null(Assert.Single(validated).Error);
    }

    [Fact]
    public void Map_BloodPressureSample_CarriesBothPressures()
    {
        var (_, readings) = Validate(Map("medtech-samples", "medtech-bloodpressure", MedTechDevice), MedTechDevice);

        var pressure = Assert.IsType<BloodPressureReading>(Assert.Single(readings).Reading);
        Assert.Equal((124, 81), (pressure.Systolic, pressure.Diastolic));
    }

    [Fact]
    public void Map_VendorCuffMessage_YieldsPressurePulseAndBattery()
    {
        var mapped = Map("bp-cuff", "bp-cuff", "bp-cuff-0009");

        var (envelope, readings) = Validate(mapped, "bp-cuff-0009");
        Assert.Null(envelope.Error);
        Assert.Equal([ReadingKind.BloodPressure, ReadingKind.HeartRate, ReadingKind.Battery], readings.Select(r => r.Reading!.Kind));
        Assert.All(readings, r => Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 29, 40, TimeSpan.Zero), r.Reading!.At));
        Assert.Equal(77, ((QuantityReading)readings[1].Reading!).Value);
        Assert.Empty(mapped.Failures);
    }

    [Fact]
    public void Map_IotJsonPathContent_TakesDeviceAndCreationTimeFromIoTHub()
    {
        var created = new Dictionary<string, string> { ["iothub-creation-time-utc"] = "2026-11-21T08:29:58.250Z" };

        var mapped = Map("oximeter-iothub", "oximeter-iothub", "oximeter-0042", created);

        var (envelope, readings) = Validate(mapped, "oximeter-0042");
        Assert.Null(envelope.Error);
        Assert.Equal([(ReadingKind.Spo2, 91.0), (ReadingKind.HeartRate, 104.0)], readings.Select(r => (r.Reading!.Kind, ((QuantityReading)r.Reading).Value)));
        Assert.All(readings, r => Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 29, 58, 250, TimeSpan.Zero), r.Reading!.At));
    }

    [Fact]
    public void Map_IotJsonPathContentWithoutCreationTime_FallsBackToEnqueuedTime()
    {
        var (_, readings) = Validate(Map("oximeter-iothub", "oximeter-iothub", "oximeter-0042"), "oximeter-0042");

        Assert.All(readings, r => Assert.Equal(ReceivedAt, r.Reading!.At));
    }

    [Fact]
    public void Map_CgmExport_MapsEachMeasurementAndQuarantinesTheOneWithoutValue()
    {
        var mapped = Map("cgm-export", "cgm-export", "cgm-0003");

        var (envelope, readings) = Validate(mapped, "cgm-0003");
        Assert.Null(envelope.Error);
        var glucose = readings.Select(r => Assert.IsType<GlucoseReading>(r.Reading)).ToList();
        Assert.Equal([6.2 * Ucum.MgPerDlPerMmolPerL, 3.4 * Ucum.MgPerDlPerMmolPerL], glucose.Select(g => g.MgPerDl));
        Assert.All(glucose, g => Assert.Equal((GlucoseMethod.Cgm, "mmol/L"), (g.Method, g.SourceUnit)));
        Assert.Equal([ReceivedAt.AddSeconds(-10), ReceivedAt.AddMinutes(5).AddSeconds(-10)], readings.Select(r => r.Reading!.At));
        var failure = Assert.Single(mapped.Failures);
        Assert.Equal(ErrorCodes.MappingRequiredMissing, failure.Error.Code);
        Assert.Equal("/egvs/2", failure.Error.Pointer);
        Assert.Contains("Template 0 (CalculatedContent 'cgm')", failure.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'glucose' (matchedToken.value)", failure.Error.Message, StringComparison.Ordinal);
        Assert.Contains("notComputable", failure.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_MessageNoTemplateMatches_IsRejectedWithNoMatch()
    {
        var mapped = Map("bp-cuff", "oximeter-iothub", "bp-cuff-0009");

        Assert.Null(mapped.Body);
        Assert.Equal(ErrorCodes.MappingNoMatch, mapped.Rejection!.Code);
        Assert.Contains("'bloodpressure', 'pulse', 'battery'", mapped.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_TypeMatchMissesSomeTemplates_OnlyMatchingTemplatesProduceReadings()
    {
        var body = """{"device":{"serial":"bp-cuff-0009"},"measurement":{"pulse":70,"takenAt":"2026-11-21T08:29:40Z"}}"""u8.ToArray();

        var mapped = Load("bp-cuff").Map(new ReceivedMessage(body, "bp-cuff-0009", ReceivedAt, "0:2"), new IngestionOptions());

        Assert.Equal(["heartRate"], Readings(mapped).Select(r => r.GetProperty("kind").GetString()));
    }

    [Fact]
    public void Map_MeasurementNamesAnotherDevice_IsQuarantinedAsDeviceMismatch()
    {
        var mapped = Map("medtech-samples", "medtech-heartrate", "someone-else");

        var failure = Assert.Single(mapped.Failures);
        Assert.Equal(ErrorCodes.DeviceMismatch, failure.Error.Code);
        Assert.Empty(Readings(mapped));
    }

    [Fact]
    public void Map_ExpressionSelectsSeveralValues_FailsThatMeasurementWithExpressionFailed()
    {
        var mapping = DeviceMapping.Load("""
            {"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{
              "typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t",
              "values":[{"valueName":"hr","valueExpression":"$.hr[*]","required":true}]}}]}
            """).Mapping!;
        var body = """{"id":"d1","t":"2026-11-21T08:30:00Z","hr":[70,71]}"""u8.ToArray();

        var mapped = mapping.Map(new ReceivedMessage(body, "d1", ReceivedAt, "0:3"), new IngestionOptions());

        Assert.Equal(ErrorCodes.MappingExpressionFailed, Assert.Single(mapped.Failures).Error.Code);
    }

    [Theory]
    [InlineData("{\"a\":", ErrorCodes.JsonMalformed)]
    [InlineData("[1,2]", ErrorCodes.MappingNoMatch)]
    [InlineData("{\"hr\":70} trailing", ErrorCodes.JsonMalformed)]
    public void Map_BrokenBody_IsRejectedWithACode(string body, string code)
    {
        var mapped = Load("medtech-samples").Map(new ReceivedMessage(Encoding.UTF8.GetBytes(body), "d1", ReceivedAt, "0:4"), new IngestionOptions());

        Assert.Equal(code, mapped.Rejection!.Code);
    }

    [Fact]
    public void Map_InvalidUtf8OrTooDeep_IsMalformed()
    {
        var mapping = Load("medtech-samples");
        var deep = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40));

        Assert.Equal(ErrorCodes.JsonMalformed, mapping.Map(new ReceivedMessage(new byte[] { 0x7B, 0xC3, 0x28, 0x7D }, "d", ReceivedAt, "0:5"), new()).Rejection!.Code);
        Assert.Equal(ErrorCodes.JsonMalformed, mapping.Map(new ReceivedMessage(deep, "d", ReceivedAt, "0:6"), new()).Rejection!.Code);
    }

    [Fact]
    public void MessageIdOf_PrefersTheTransportIdAndIsStableOtherwise()
    {
        var body = TestingBody();

        Assert.Equal("m-1", DeviceMapping.MessageIdOf(new ReceivedMessage(body, "d", ReceivedAt, "0:1") { TransportMessageId = "m-1" }));
        Assert.Equal(DeviceMapping.MessageIdOf(new ReceivedMessage(body, "d", ReceivedAt, "0:1")), DeviceMapping.MessageIdOf(new ReceivedMessage(body, "d", ReceivedAt, "9:9")));
        Assert.StartsWith("sha256:", DeviceMapping.MessageIdOf(new ReceivedMessage(body, "d", ReceivedAt, "0:1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Map_NumberBeyondDouble_IsWrittenSoValidationRejectsItAsOutOfRange()
    {
        var body = """{"heartRate":1e400,"endDate":"2026-11-21T08:30:00Z","deviceId":"medtech-sample-01"}"""u8.ToArray();

        var mapped = Load("medtech-samples").Map(new ReceivedMessage(body, MedTechDevice, ReceivedAt, "0:7"), new IngestionOptions());

        var (_, readings) = Validate(mapped, MedTechDevice);
        Assert.Equal(ErrorCodes.ValueOutOfRange, Assert.Single(readings).Error!.Code);
    }

    private static byte[] TestingBody() => JsonSerializer.SerializeToUtf8Bytes(new { hr = 70 });
}
