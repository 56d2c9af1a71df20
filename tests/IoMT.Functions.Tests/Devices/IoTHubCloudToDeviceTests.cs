using System.Text;
using IoMT.Core.Devices;
using IoMT.Functions.Devices;
using IoMT.Testing;
using Microsoft.Azure.Devices;

namespace IoMT.Functions.Tests.Devices;

public class IoTHubCloudToDeviceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeServiceClient _hub = new();

    [Fact]
    public async Task Send_IoTHubGetsOurIdCorrelationPropertiesExpiryAndFullAcknowledgement()
    {
        var message = CloudToDeviceLogContract.Message("dispenser-1", "c2d_1", T0);

        Assert.True(await new IoTHubCloudToDevice(_hub).SendAsync(message));

        var sent = Assert.Single(_hub.Sent);
        Assert.Equal(("dispenser-1", "c2d_1", "nt_1", DeliveryAcknowledgement.Full), (sent.DeviceId, sent.MessageId, sent.CorrelationId, sent.Ack));
        Assert.Equal((T0.AddMinutes(10).UtcDateTime, DateTimeKind.Utc), (sent.Expiry, sent.Expiry.Kind));
        Assert.Equal(new Dictionary<string, string> { ["kind"] = "reminder" }, sent.Properties);
        Assert.Equal("""{"type":"medication-reminder"}""", Encoding.UTF8.GetString(sent.Body));
    }

    [Fact]
    public async Task Send_DeviceQueueFull_False()
    {
        var hub = new IoTHubCloudToDevice(_hub);
        for (var i = 0; i < CloudToDeviceRules.MaxQueueDepth; i++)
        {
            Assert.True(await hub.SendAsync(CloudToDeviceLogContract.Message("dispenser-1", $"c2d_{i}", T0)));
        }

        Assert.False(await hub.SendAsync(CloudToDeviceLogContract.Message("dispenser-1", "c2d_50", T0)));
    }

    [Fact]
    public async Task Receive_FeedbackBatch_InCoreTerms_CompletedAndAbandonedAsTheSameBatch()
    {
        var hub = new IoTHubCloudToDevice(_hub);
        _hub.Feedback.Add(
            new FeedbackRecord { DeviceId = "dispenser-1", OriginalMessageId = "c2d_1", StatusCode = FeedbackStatusCode.DeliveryCountExceeded, EnqueuedTimeUtc = T0.UtcDateTime },
            new FeedbackRecord { DeviceId = "dispenser-2", OriginalMessageId = "c2d_2", StatusCode = FeedbackStatusCode.Success, EnqueuedTimeUtc = new DateTime(T0.Ticks, DateTimeKind.Unspecified) });
        var original = _hub.Feedback.Batches.Peek();

        var batch = (await hub.ReceiveAsync(CancellationToken.None))!;
        await hub.CompleteAsync(batch);
        await hub.AbandonAsync(batch);

        Assert.Equal(
            [new("dispenser-1", "c2d_1", "DeliveryCountExceeded", T0), new("dispenser-2", "c2d_2", "Success", T0)],
            batch.Records);
        Assert.Same(original, Assert.Single(_hub.Feedback.Completed));
        Assert.Same(original, Assert.Single(_hub.Feedback.Abandoned));
    }

    [Fact]
    public async Task Receive_NoFeedbackBeforeTheDeadline_Null()
    {
        _hub.Feedback.NullWhenEmpty = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.Null(await new IoTHubCloudToDevice(_hub).ReceiveAsync(deadline.Token));
    }
}
