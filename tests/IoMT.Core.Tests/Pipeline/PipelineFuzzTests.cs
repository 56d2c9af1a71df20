using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

/// <summary>Generated and mutated messages never throw, and every message and reading ends accepted or quarantined with a code.</summary>
public class PipelineFuzzTests
{
    private const string Device = "oximeter-0042";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Process_TenThousandMutatedMessages_NoExceptionAndEveryOutcomeAccountedFor(int seed)
    {
        var fuzzer = new TelemetryFuzzer(seed);
        var context = new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, "patient-1", DateTimeOffset.MinValue, null));
        var pipeline = new IngestionPipeline();
        var batch = Enumerable.Range(0, 10_000)
            .Select(i => new ReceivedMessage(fuzzer.Next(Device), Device, fuzzer.ReceivedAt, $"{seed}:{i}"))
            .ToList();

        var result = pipeline.Process(batch, context);

        Assert.Equal(batch.Count, result.Outcomes.Count);
        var quarantined = 0;
        foreach (var outcome in result.Outcomes)
        {
            AssertConsistent(outcome);
            quarantined += outcome.Status == MessageStatus.Duplicate ? 0 : outcome.Rejected.Count;
        }

        Assert.Equal(quarantined, result.Quarantine.Count);
        Assert.Equal(result.Outcomes.Sum(o => o.Accepted), result.Readings.Count);
        Assert.All(result.Quarantine, q => Assert.NotNull(q.Raw.Content));
        Assert.Contains(result.Outcomes, o => o.Status == MessageStatus.Accepted);
        Assert.Contains(result.Outcomes, o => o.Status == MessageStatus.Partial);
        Assert.Contains(result.Outcomes, o => o.Rejected.Any(r => r.Error.Code == ErrorCodes.JsonMalformed));
        Assert.DoesNotContain(result.Outcomes, o => o.Rejected.Any(r => r.Error.Code == ErrorCodes.MessageUnprocessable));
    }

    [Fact]
    public void Parse_EveryPrefixOfAValidMessage_NeverThrows()
    {
        var body = new TelemetryMessage(Device).Spo2(95).BloodPressure(120, 80).ToBytes();
        var readings = new List<ReadingResult>();

        for (var length = 0; length <= body.Length; length++)
        {
            readings.Clear();
            var envelope = TelemetryParser.Parse(body.AsSpan(0, length), Device, TelemetryMessage.DefaultTime, new IngestionOptions(), readings);
            Assert.True(length == body.Length ? envelope.Error is null : envelope.Error is not null, $"prefix of {length} bytes");
        }
    }

    private static void AssertConsistent(MessageOutcome outcome)
    {
        switch (outcome.Status)
        {
            case MessageStatus.Accepted:
                Assert.Empty(outcome.Rejected);
                break;
            case MessageStatus.Partial:
                Assert.True(outcome.Accepted > 0 && outcome.Rejected.Count > 0);
                break;
            default:
                Assert.Equal(0, outcome.Accepted);
                Assert.NotEmpty(outcome.Rejected);
                break;
        }

        Assert.All(outcome.Rejected, rejection =>
        {
            Assert.Contains(rejection.Error.Code, KnownErrorCodes.All);
            Assert.True(rejection.Error.Pointer.Length == 0 || rejection.Error.Pointer[0] == '/');
            Assert.False(string.IsNullOrWhiteSpace(rejection.Error.Message));
            Assert.True(rejection.Index >= -1);
        });
    }
}
