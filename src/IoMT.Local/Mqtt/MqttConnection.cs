using System.Collections.Concurrent;
using IoMT.Core.Devices;
using MQTTnet.Protocol;

namespace IoMT.Local.Mqtt;

/// <summary>
/// One authenticated MQTT connection: who it is (a hub device, or a device registering through DPS), until when its
/// token holds, what it subscribed to (with the QoS granted), and the cloud-to-device messages it holds unacknowledged.
/// </summary>
internal sealed class MqttConnection : IDisposable
{
    private readonly ConcurrentDictionary<MqttSubscription, MqttQualityOfServiceLevel> _subscriptions = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public MqttConnection(MqttClientIdentity identity, string password, DateTimeOffset tokenExpiresAt)
    {
        Identity = identity;
        Password = password;
        TokenExpiresAt = tokenExpiresAt;
        Closing = _closing.Token;
    }

    public MqttClientIdentity Identity { get; }

    /// <summary>The device id, or the registration id of a device registering through DPS: the client id.</summary>
    public string Id => Identity.ClientId;

    public bool IsRegistration => Identity is MqttRegistrationIdentity;

    /// <summary>The SAS token the device connected with (DPS requests are checked with it again).</summary>
    public string Password { get; }

    /// <summary>When the token expires (with the clock skew tolerated): the connection is closed at its next request after it.</summary>
    public DateTimeOffset TokenExpiresAt { get; }

    /// <summary>Cancelled when the connection closes (readable also once the connection is disposed).</summary>
    public CancellationToken Closing { get; }

    /// <summary>Completes once the connection is closed and its cloud-to-device messages are put back.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Cloud-to-device messages published and not yet acknowledged, by message id: their lock token and the acknowledgement.</summary>
    public ConcurrentDictionary<string, (string LockToken, TaskCompletionSource Acknowledged)> InFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>The QoS asked for by each filter of a SUBSCRIBE with several, by packet identifier, until its SUBACK is sent.</summary>
    public ConcurrentDictionary<ushort, MqttQualityOfServiceLevel[]> SubscribesInFlight { get; } = new();

    /// <summary>The delivery loop of cloud-to-device messages, once the device subscribed to them.</summary>
    public Task? Delivery { get; set; }

    /// <summary>The newest desired-properties version sent, so that notifications never go back.</summary>
    public long DesiredVersionSent { get; set; }

    public void Subscribe(MqttSubscription subscription, MqttQualityOfServiceLevel qos) => _subscriptions[subscription] = qos;

    public void Unsubscribe(MqttSubscription subscription) => _subscriptions.TryRemove(subscription, out _);

    /// <summary>The QoS granted for <paramref name="subscription"/>, or null when the device has not subscribed to it.</summary>
    public MqttQualityOfServiceLevel? Granted(MqttSubscription subscription) => _subscriptions.TryGetValue(subscription, out var qos) ? qos : null;

    /// <summary>Completes when a message is queued for the device after this call (take it before looking into the queue).</summary>
    public Task NextQueued => Volatile.Read(ref _queued).Task;

    public void SignalQueued() => Interlocked.Exchange(ref _queued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Close()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Closed and disposed already (a late desired-properties notification or PUBLISH).
        }
    }

    /// <summary>The connection is gone and its messages are put back.</summary>
    public void MarkClosed()
    {
        Close();
        _closed.TrySetResult();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _closing.Cancel();
            _closing.Dispose();
        }
    }
}
