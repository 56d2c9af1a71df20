using System.Text.Json.Nodes;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IoMT.Local.Mqtt;

/// <summary>The local hub's MQTT endpoint in the host: its services, and MQTT over WebSockets on the HTTP endpoints.</summary>
internal static class MqttGatewayHosting
{
    /// <summary>Where MQTT over WebSockets is served, as IoT Hub and DPS serve it (<c>wss://{host}/$iothub/websocket</c>).</summary>
    public const string WebSocketPath = "/$iothub/websocket";

    /// <summary>
    /// The MQTT endpoint (started and stopped with the host), device twins (<c>twins.db</c>), and the shared ingress of
    /// device-to-cloud messages. Call after the services it uses are registered.
    /// </summary>
    public static WebApplicationBuilder AddMqttGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMqttGateway();
        return builder;
    }

    /// <inheritdoc cref="AddMqttGateway(WebApplicationBuilder)"/>
    public static IServiceCollection AddMqttGateway(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<DeviceMessageIngress>();
        services.TryAddSingleton(sp => new SqliteDeviceTwinStore(Path.Combine(sp.GetRequiredService<DataDirectory>().Path, "twins.db")));
        services.TryAddSingleton<IDeviceTwinStore>(sp => sp.GetRequiredService<SqliteDeviceTwinStore>());
        services.TryAddSingleton<DeviceTwinService>();
        services.TryAddSingleton(sp => new SqliteCloudToDeviceStore(Path.Combine(sp.GetRequiredService<DataDirectory>().Path, "cloud-to-device.db")));
        services.TryAddSingleton<ICloudToDeviceStore>(sp => sp.GetRequiredService<SqliteCloudToDeviceStore>());

        services.AddSingleton<DeviceNotifications>();
        services.AddSingleton<IDesiredPropertiesListener>(sp => sp.GetRequiredService<DeviceNotifications>());
        SignalCloudToDevice(services);
        services.AddSingleton<MqttGateway>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttGateway>());
        return services;
    }

    /// <summary><c>/$iothub/websocket</c>: MQTT over WebSockets (the <c>mqtt</c> subprotocol), as Microsoft's MqttWs transports connect.</summary>
    public static WebApplication MapMqttGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Map(WebSocketPath, branch =>
        {
            branch.UseWebSockets();
            branch.Run(context => context.RequestServices.GetRequiredService<MqttGateway>().AcceptWebSocketAsync(context));
        });

        // Open (and migrate) the twins' database now: a file that cannot be opened stops the start, not the first request.
        app.Services.GetRequiredService<IDeviceTwinStore>();
        return app;
    }

    /// <summary>
    /// Wraps the cloud-to-device queue so that every message queued wakes the MQTT delivery of its device (the queue
    /// itself knows nothing of transports).
    /// </summary>
    private static void SignalCloudToDevice(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(ICloudToDeviceStore) && !d.IsKeyedService);
        services.Replace(ServiceDescriptor.Singleton<ICloudToDeviceStore>(sp => new SignallingCloudToDeviceStore(
            (ICloudToDeviceStore)(inner.ImplementationInstance ?? inner.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            sp.GetRequiredService<DeviceNotifications>())));
    }
}

/// <summary>
/// What the MQTT endpoint is told about devices while it runs: desired-property patches and cloud-to-device messages
/// queued (the services that produce them are created before the endpoint, which sets the handlers when it starts).
/// </summary>
internal sealed class DeviceNotifications : IDesiredPropertiesListener
{
    public Func<string, JsonObject, long, CancellationToken, Task>? DesiredChanged { get; set; }

    public Action<string>? CloudToDeviceQueued { get; set; }

    public Task DesiredPropertiesChangedAsync(string deviceId, JsonObject patch, long version, CancellationToken cancellationToken = default) =>
        DesiredChanged?.Invoke(deviceId, patch, version, cancellationToken) ?? Task.CompletedTask;
}

/// <summary>The cloud-to-device queue, telling <see cref="DeviceNotifications"/> of every message it stored.</summary>
internal sealed class SignallingCloudToDeviceStore(ICloudToDeviceStore inner, DeviceNotifications notifications) : ICloudToDeviceStore
{
    public async Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stored = await inner.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
        if (stored)
        {
            notifications.CloudToDeviceQueued?.Invoke(message.DeviceId);
        }

        return stored;
    }

    public Task<CloudToDeviceMessage?> ReceiveAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.ReceiveAsync(deviceId, now, cancellationToken);

    public Task<ApiResult<CloudToDeviceMessage>> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.SettleAsync(deviceId, lockToken, settlement, now, cancellationToken);

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.FindAsync(deviceId, messageId, now, cancellationToken);

    public Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.ListAsync(deviceId, max, now, cancellationToken);
}
