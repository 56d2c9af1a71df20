using IoMT.Core.Devices;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IoMT.Local.Mqtt;

/// <summary>Cloud-to-device messages over MQTT: delivered one at a time to a subscribed device, completed by its PUBACK.</summary>
internal sealed partial class MqttGateway
{
    /// <summary>Wakes the delivery loop of a connected device that has a new cloud-to-device message.</summary>
    private void CloudToDeviceQueued(string deviceId)
    {
        if (_connected.TryGetValue(deviceId, out var connection))
        {
            connection.SignalQueued();
        }
    }

    /// <summary>
    /// Delivers the device's cloud-to-device messages one at a time, oldest first, as QoS 1 PUBLISHes (QoS 0 if that is
    /// all the device subscribed with): the PUBACK completes a message; a connection closed before it puts it back.
    /// </summary>
    private async Task DeliverCloudToDeviceAsync(MqttConnection connection)
    {
        var closing = connection.Closing;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var queued = connection.NextQueued;
                // Not cancelled midway: a message the queue locked for the device is always known here, to be put back.
                var message = await cloudToDevice.ReceiveAsync(connection.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                if (message is null)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(closing);
                    await Task.WhenAny(queued, Task.Delay(QueuePoll, time, wait.Token)).ConfigureAwait(false);
                    await wait.CancelAsync().ConfigureAwait(false);
                    continue;
                }

                var qos = connection.Granted(MqttSubscription.CloudToDevice) ?? MqttQualityOfServiceLevel.AtLeastOnce;
                var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.InFlight[message.MessageId] = (message.LockToken!, acknowledged);
                var topic = IoTHubMqtt.CloudToDeviceTopic(connection.Id, message.MessageId, message.CorrelationId, message.ExpiresAt, null, message.Properties);
                if (!await SendAsync(connection, topic, message.Body, qos).ConfigureAwait(false))
                {
                    return;
                }

                if (qos == MqttQualityOfServiceLevel.AtLeastOnce)
                {
                    // Until the PUBACK, or the lock runs out (the queue then has the message again for the next round).
                    await acknowledged.Task.WaitAsync(CloudToDeviceRules.LockTimeout, time, closing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (!acknowledged.Task.IsCompleted)
                    {
                        continue;
                    }
                }

                if (connection.InFlight.TryRemove(message.MessageId, out var held))
                {
                    await cloudToDevice.SettleAsync(connection.Id, held.LockToken, CloudToDeviceSettlement.Complete, time.GetUtcNow(), CancellationToken.None)
                        .ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.DeliveryFailed(logger, e, connection.Id);
        }
    }

    /// <summary>The device's PUBACK of a cloud-to-device message: its delivery is complete.</summary>
    private Task ClientAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is MqttConnection connection
            && args.PublishPacket.Topic is { } topic
            && topic.StartsWith($"devices/{connection.Id}/messages/devicebound/", StringComparison.Ordinal)
            && IoTHubMqtt.ParsePropertyBag(topic[$"devices/{connection.Id}/messages/devicebound/".Length..]).FirstOrDefault(p => p.Key == IoTHubMqtt.MessageIdKey).Value is { } messageId
            && connection.InFlight.TryGetValue(messageId, out var held))
        {
            held.Acknowledged.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
