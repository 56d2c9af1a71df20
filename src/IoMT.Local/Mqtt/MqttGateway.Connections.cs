using IoMT.Core.Api;
using IoMT.Core.Devices;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace IoMT.Local.Mqtt;

/// <summary>Connections: CONNECT with IoT Hub's or DPS's identity and a SAS token, one connection per device, SUBSCRIBE to IoT Hub's topic filters.</summary>
internal sealed partial class MqttGateway
{
    /// <summary>
    /// CONNECT: IoT Hub's identity (client id = device id, or registration id for DPS) and a SAS token as password,
    /// checked as the HTTPS endpoints check it. Every refusal is "not authorized" (MQTT 3.1.1 return code 5), as IoT Hub
    /// answers bad credentials and disabled devices, and is recorded in the security audit.
    /// </summary>
    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (args.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V311)
        {
            args.ReasonCode = MqttConnectReasonCode.UnsupportedProtocolVersion;
            return;
        }

        var identity = IoTHubMqtt.ParseConnect(args.ClientId, args.UserName);
        var refusal = identity switch
        {
            null => new ApiError(401, ApiError.Unauthenticated,
                "CONNECT as IoT Hub expects: client id = device id, user name {hub}/{device id}/?api-version=…, password a SAS token (or DPS's {id scope}/registrations/{registration id}/api-version=…)."),
            MqttDeviceIdentity device => (await gateway.AuthenticateAsync(device.DeviceId, args.Password, options.Value.TokenHostNames(), args.CancellationToken).ConfigureAwait(false)).Error,
            MqttRegistrationIdentity registration => (await gateway.AuthenticateRegistrationAsync(
                registration.IdScope, registration.RegistrationId, args.Password, Endpoints(), args.CancellationToken).ConfigureAwait(false)).Error,
            _ => null,
        };
        if (refusal is not null)
        {
            args.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            await AuditAsync(refusal, string.IsNullOrEmpty(args.ClientId) ? "anonymous" : "device:" + args.ClientId, "MQTT CONNECT",
                (args.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString()).ConfigureAwait(false);
            return;
        }

        var token = SasToken.Parse(args.Password)!;
        var connection = new MqttConnection(identity!, args.Password, token.AcceptedUntil);

        // IoT Hub keeps one connection per device: the one open before this one is closed (its messages put back) first.
        if (_connected.TryGetValue(connection.Id, out var previous) && _server is { } server)
        {
            await server.DisconnectClientAsync(connection.Id, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.SessionTakenOver })
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await previous.Closed.WaitAsync(TimeSpan.FromSeconds(10), args.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _pending[connection.Id] = connection;
    }

    private Task ClientConnectedAsync(ClientConnectedEventArgs args)
    {
        if (_pending.TryRemove(args.ClientId, out var connection))
        {
            args.SessionItems[ConnectionKey] = connection;
            _connected[connection.Id] = connection;
            Log.Connected(logger, connection.Id, connection.IsRegistration ? "DPS" : "IoT Hub");
        }

        return Task.CompletedTask;
    }

    private async Task ClientDisconnectedAsync(ClientDisconnectedEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is not MqttConnection connection)
        {
            return;
        }

        connection.Close();
        _connected.TryRemove(new KeyValuePair<string, MqttConnection>(connection.Id, connection));
        try
        {
            if (connection.Delivery is { } delivery)
            {
                await delivery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            // Messages the device did not acknowledge go back to its queue, to be delivered again.
            foreach (var (_, (lockToken, _)) in connection.InFlight)
            {
                await cloudToDevice.SettleAsync(connection.Id, lockToken, CloudToDeviceSettlement.Abandon, time.GetUtcNow()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.CleanupFailed(logger, e, connection.Id);
        }
        finally
        {
            connection.MarkClosed();
            connection.Dispose();
            Log.Disconnected(logger, connection.Id, args.DisconnectType);
        }
    }

    private async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is not MqttConnection connection)
        {
            args.CloseConnection = true;
            return;
        }

        var subscription = IoTHubMqtt.ParseSubscription(args.TopicFilter.Topic, connection.Id, connection.IsRegistration);
        if (subscription is null)
        {
            // IoT Hub serves only its documented filters (another device's messages are not among them).
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
            return;
        }

        var qos = args.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        args.Response.ReasonCode = qos == MqttQualityOfServiceLevel.AtMostOnce ? MqttSubscribeReasonCode.GrantedQoS0 : MqttSubscribeReasonCode.GrantedQoS1;
        connection.Subscribe(subscription.Value, qos);
        if (subscription == MqttSubscription.CloudToDevice)
        {
            lock (connection)
            {
                connection.Delivery ??= Task.Run(() => DeliverCloudToDeviceAsync(connection));
            }
        }
    }

    private Task InterceptUnsubscriptionAsync(InterceptingUnsubscriptionEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is MqttConnection connection
            && IoTHubMqtt.ParseSubscription(args.Topic, connection.Id, connection.IsRegistration) is { } subscription)
        {
            connection.Unsubscribe(subscription);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet 5.2 answers a SUBSCRIBE's filters in the order of their QoS, highest first, where MQTT wants the order
    /// they were asked in: the QoS asked for of a SUBSCRIBE with several filters are kept, to put its SUBACK in order.
    /// </summary>
    private static Task InterceptInboundAsync(InterceptingPacketEventArgs args)
    {
        if (args.Packet is MqttSubscribePacket { TopicFilters.Count: > 1 } subscribe && args.SessionItems[ConnectionKey] is MqttConnection connection)
        {
            connection.SubscribesInFlight[subscribe.PacketIdentifier] = [.. subscribe.TopicFilters.Select(f => f.QualityOfServiceLevel)];
        }

        return Task.CompletedTask;
    }

    private static Task InterceptOutboundAsync(InterceptingPacketEventArgs args)
    {
        if (args.Packet is MqttSubAckPacket { ReasonCodes: { Count: > 1 } codes } subAck && args.SessionItems[ConnectionKey] is MqttConnection connection
            && connection.SubscribesInFlight.TryRemove(subAck.PacketIdentifier, out var asked) && asked.Length == codes.Count)
        {
            // The codes come in the order of a stable sort by QoS, descending; give each back its filter's place.
            var inOrder = new MqttSubscribeReasonCode[codes.Count];
            var sorted = Enumerable.Range(0, asked.Length).OrderByDescending(i => asked[i]).ToArray();
            for (var k = 0; k < sorted.Length; k++)
            {
                inOrder[sorted[k]] = codes[k];
            }

            subAck.ReasonCodes = [.. inOrder];
        }

        return Task.CompletedTask;
    }
}
