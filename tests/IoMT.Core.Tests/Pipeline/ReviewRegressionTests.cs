using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using IoMT.Testing;
using static IoMT.Core.Tests.Validation.ParserHarness;

namespace IoMT.Core.Tests.Pipeline;

/// <summary>Regression tests for defects found in review; each failed before its fix.</summary>
public class ReviewRegressionTests
{
    private const string Device = "oximeter-0042";
    private const string Patient = "patient-0001";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    private readonly IngestionPipeline _pipeline = new();

    [Theory]
    [InlineData("""{"kind":"spo2","value":95,"unit":"\uD800","at":"2026-11-21T08:30:00Z"}""", ErrorCodes.UnitUnsupported)]
    [InlineData("""{"kind":"ecgRhythm","value":"\uDC00","at":"2026-11-21T08:30:00Z"}""", ErrorCodes.ValueInvalid)]
    [InlineData("""{"kind":"glucose","method":"\uD800x","value":99,"unit":"mg/dL","at":"2026-11-21T08:30:00Z"}""", ErrorCodes.ValueInvalid)]
    [InlineData("""{"kind":"doseEvent","medicationId":"m","event":"\uD800","at":"2026-11-21T08:30:00Z"}""", ErrorCodes.ValueInvalid)]
    [InlineData("""{"kind":"sp\uD800o2","value":95,"unit":"%","at":"2026-11-21T08:30:00Z"}""", ErrorCodes.ReadingKindUnknown)]
    public void Parse_LoneSurrogateEscapeInAReading_RejectsOnlyThatReading(string badReading, string code)
    {
        var json = $$"""{"schema":"iomt.telemetry/1","messageId":"m-1","deviceId":"oximeter-0042","sentAt":"2026-11-21T08:30:05Z","readings":[{"kind":"spo2","value":95,"unit":"%","at":"2026-11-21T08:30:00Z"},{{badReading}}]}""";

        var (envelope, readings) = Parse(json);

        Assert.Null(envelope.Error);
        Assert.NotNull(readings[0].Reading);
        Assert.Equal(code, readings[1].Error!.Code);
    }

    [Theory]
    [InlineData("schema", "iomt.telemetry/\\uD800", ErrorCodes.SchemaVersion)]
    [InlineData("deviceId", "\\uD800", ErrorCodes.JsonMalformed)]
    public void Parse_LoneSurrogateEscapeInTheEnvelope_RejectedWithACodeNotAnException(string member, string escaped, string code)
    {
        var json = new TelemetryMessage().Spo2(95).ToString().Replace($"\"{member}\":\"", $"\"{member}\":\"{escaped}", StringComparison.Ordinal);

        var (envelope, _) = Parse(json);

        Assert.Equal(code, envelope.Error!.Code);
    }

    [Theory]
    [InlineData("2026-11-21t08:30:00\\nZ")]
    [InlineData("2026-11-21t08:30:00\\\\Z")]
    [InlineData("2026-11-21t08:30:00\\\"Z")]
    public void Parse_EscapedLowercaseTimeWithJunk_OnlyThatReadingRejected(string at)
    {
        var json = $$"""{"schema":"iomt.telemetry/1","messageId":"m-1","deviceId":"oximeter-0042","sentAt":"2026-11-21T08:30:05Z","readings":[{"kind":"spo2","value":95,"unit":"%","at":"2026-11-21T08:30:00Z"},{"kind":"spo2","value":95,"unit":"%","at":"{{at}}"}]}""";

        var (envelope, readings) = Parse(json);

        Assert.Null(envelope.Error);
        Assert.NotNull(readings[0].Reading);
        Assert.Equal(ErrorCodes.SchemaFormat, readings[1].Error!.Code);
    }

    [Theory]
    [InlineData("2026-11-21T08:30Z")]
    [InlineData("2026-11-21T08Z")]
    public void Parse_TimeWithoutSeconds_SchemaFormatLikeTheJsonSchema(string at) =>
        Assert.Equal(ErrorCodes.SchemaFormat, ParseReading($$"""{"kind":"spo2","value":95,"unit":"%","at":"{{at}}"}""").Error!.Code);

    [Fact]
    public void Parse_IdOf100EmojiIsWithin128Characters_Accepted()
    {
        var (envelope, _) = Parse(new TelemetryMessage(messageId: string.Concat(Enumerable.Repeat("\ud83d\udc93", 100))).ToString());

        Assert.Null(envelope.Error);
    }

    [Fact]
    public void Process_News2AlreadyScoredFromALateUpload_StillRaisesWhenLiveReadingsKeepIt()
    {
        var context = BoundContext();
        var old = T0.AddMinutes(-20);
        _pipeline.Process([Spot(old, rr: 22, spo2: 93).Received(receivedAt: T0)], context);

        var live = _pipeline.Process([new TelemetryMessage(Device).Spo2(93, T0.AddSeconds(30)).Received(receivedAt: T0.AddSeconds(31))], context);

        Assert.Contains(live.Events.OfType<AlertRaised>(), e => e.RuleId == "news2-urgent");
    }

    [Fact]
    public void Process_ReadingsOfAMessageOutOfTimeOrder_News2ScoredInOrderWithoutFutureValues()
    {
        var context = BoundContext();
        var t1 = T0;
        var t2 = T0.AddSeconds(30);
        var message = new TelemetryMessage(Device).HeartRate(95, t2).RespiratoryRate(22, t1).Spo2(93, t1).BloodPressure(120, 80, t1).Temperature(37, t1);

        var result = _pipeline.Process([message.Received(receivedAt: t2.AddSeconds(1))], context);

        Assert.Equal([t1, t2], result.Scores.Select(s => s.At));
        Assert.Null(result.Scores[0].Score.Scores.Pulse);
        Assert.Contains(result.Events.OfType<AlertRaised>(), e => e.RuleId == "news2-urgent");
    }

    [Fact]
    public void Process_RedeliveredCgmPoint_KeepsItsTrend()
    {
        var context = BoundContext();
        var message = new TelemetryMessage(Device);
        for (var minute = 0; minute <= 15; minute += 5)
        {
            message.Glucose(110 - (2 * minute), T0.AddMinutes(minute - 15));
        }

        var received = message.Received(receivedAt: T0.AddSeconds(5));
        var first = _pipeline.Process([received], context);
        var again = _pipeline.Process([received], context);

        Assert.NotNull(first.Readings[^1].Trend);
        Assert.Equal(first.Readings[^1].Trend, again.Readings[^1].Trend);
    }

    [Fact]
    public void Process_RedeliveryOfAReadingClearedAtTheSameInstant_DoesNotReopenAndHideTheNextEpisode()
    {
        var context = BoundContext().AddDevice("thermo-2").AddBinding(new DeviceBinding("thermo-2", Patient, T0.AddDays(-1), null));
        var fever = new TelemetryMessage(Device).Temperature(39.5, T0).Received(sourcePosition: "1:1");
        var normal = new TelemetryMessage("thermo-2").Temperature(37, T0).Received(sourcePosition: "2:1");

        _pipeline.Process([fever], context);
        _pipeline.Process([normal], context);
        _pipeline.Process([fever], context);
        var later = _pipeline.Process([new TelemetryMessage(Device).Temperature(39.6, T0.AddMinutes(10)).Received(receivedAt: T0.AddMinutes(10))], context);

        Assert.Contains(later.Events.OfType<AlertRaised>(), e => e.RuleId == "temperature-high");
    }

    [Fact]
    public void Process_RuleDisabledWhileItsEpisodeIsOpen_EpisodeClosedByPolicy()
    {
        var context = BoundContext();
        _pipeline.Process([new TelemetryMessage(Device).Temperature(39.5).Received()], context);
        context.SetProfile(new PatientProfile
        {
            PatientId = Patient,
            Rules = AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride> { ["temperature-high"] = new() { Enabled = false } }),
        });

        var result = _pipeline.Process([new TelemetryMessage(Device).Spo2(97, T0.AddMinutes(1)).Received(receivedAt: T0.AddMinutes(1))], context);

        var cleared = Assert.Single(result.Events.OfType<AlertCleared>());
        Assert.Equal(("temperature-high", ClearReason.RuleDisabled), (cleared.RuleId, cleared.Reason));
        Assert.False(context.States[Patient].Rules.GetValueOrDefault("temperature-high").IsActive);
    }

    [Theory]
    [InlineData(Signal.HeartRate, true)]
    [InlineData(Signal.EcgRhythm, false)]
    public void Validate_RuleKindDoesNotMatchItsSignal_Reported(Signal signal, bool codeRule)
    {
        var rule = codeRule
            ? new AlertRule { Id = "x", Title = "x", Signal = signal, Priority = AlertPriority.Low, Category = AlertCategory.VitalSign, Codes = ["a"] }
            : new AlertRule { Id = "x", Title = "x", Signal = signal, Priority = AlertPriority.Low, Category = AlertCategory.VitalSign, Direction = AlertDirection.Low, RaiseAt = 1, ClearAt = 2 };

        Assert.NotEmpty(rule.Validate());
    }

    private static TelemetryMessage Spot(DateTimeOffset at, double rr, double spo2) =>
        new TelemetryMessage(Device).RespiratoryRate(rr, at).Spo2(spo2, at).BloodPressure(120, 80, at).HeartRate(95, at).Temperature(37, at);

    private static InMemoryIngestionContext BoundContext() =>
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, Patient, T0.AddDays(-1), null));
}
