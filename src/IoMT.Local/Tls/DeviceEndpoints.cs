using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace IoMT.Local.Tls;

/// <summary>
/// Where devices reach the local hub as they reach Azure IoT Hub: HTTPS (443) and MQTT over TLS (8883) on
/// <see cref="BindAddress"/> (loopback by default), with <see cref="ServerCertificate"/>, signed by the local CA. A
/// port that cannot be bound at start (in use, or below 1024 for a non-root Linux user) is replaced by its fallback
/// (8443, 18883) or else by any free port, and the host says so in one log line once it has started.
/// </summary>
/// <remarks>
/// The HTTPS endpoint is bound by <see cref="Listen"/> (Kestrel serves every route on it, device routes included). The
/// MQTT server binds <see cref="MqttPort"/> on <see cref="BindAddress"/> itself, with <see cref="ServerCertificate"/>:
/// the port is chosen (and was free) at start, not held.
/// </remarks>
public sealed partial class DeviceEndpoints
{
    public const int StandardHttpsPort = 443;
    public const int StandardMqttPort = 8883;

    private readonly LocalOptions _options;
    private readonly LocalCertificateAuthority _authority;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DeviceEndpoints> _logger;
    private readonly Lazy<PortPlan> _plan;
    private ListenOptions? _https;

    public DeviceEndpoints(IOptions<LocalOptions> options, LocalCertificateAuthority authority, IHostApplicationLifetime lifetime, ILogger<DeviceEndpoints> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _authority = authority;
        _lifetime = lifetime;
        _logger = logger;
        BindAddress = ParseAddress(_options.DeviceBindAddress);
        _plan = new Lazy<PortPlan>(ChoosePorts);
    }

    /// <summary>The address both device endpoints listen on (<c>IoMT:DeviceBindAddress</c>).</summary>
    public IPAddress BindAddress { get; }

    /// <summary>The hub's host name: what connection strings name and the server certificate covers.</summary>
    public string HostName => _options.HubHostName();

    /// <summary>The HTTPS port devices use: the one bound once the host listens (also when "any free port" was asked).</summary>
    public int HttpsPort => _https?.IPEndPoint is { Port: > 0 } bound ? bound.Port : _plan.Value.HttpsPort;

    /// <summary>The port the MQTT-over-TLS server must listen on (never 0: "any free port" is resolved at start).</summary>
    public int MqttPort => _plan.Value.MqttPort;

    /// <summary>The configured ports that could not be bound at start, and why.</summary>
    public IReadOnlyList<UnboundPort> UnboundPorts => _plan.Value.Unbound;

    /// <summary>The server certificate of both endpoints, with its private key, signed by the local CA.</summary>
    public X509Certificate2 ServerCertificate => _authority.ServerCertificate;

    /// <summary>Adds the HTTPS endpoint for devices to Kestrel and, once started, logs where devices connect.</summary>
    public void Listen(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var plan = _plan.Value;
        kestrel.Listen(BindAddress, plan.HttpsPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(ServerCertificate);
            _https = listen;
        });
        _lifetime.ApplicationStarted.Register(LogPorts);
    }

    private void LogPorts()
    {
        var plan = _plan.Value;
        var address = BindAddress.ToString();
        if (plan.Unbound.Count == 0)
        {
            Log.Listening(_logger, HostName, address, HttpsPort, MqttPort, _authority.CaCertificatePath);
            return;
        }

        var unbound = string.Join(", ", plan.Unbound.Select(u => $"{u.Port} ({u.Describe()})"));
        Log.PortsUnavailable(_logger, unbound, address, HttpsPort, MqttPort);
    }

    private PortPlan ChoosePorts()
    {
        var unbound = new List<UnboundPort>();
        var https = Choose(_options.DeviceHttpsPort, _options.DeviceHttpsFallbackPort, unbound, exclude: -1);
        var mqtt = Choose(_options.DeviceMqttPort, _options.DeviceMqttFallbackPort, unbound, exclude: https);
        if (mqtt == 0)
        {
            mqtt = FreePort(https);
        }

        return new PortPlan(https, mqtt, unbound);
    }

    /// <summary>The configured port if it can be bound, else the fallback if it can, else 0 (any free port).</summary>
    private int Choose(int port, int fallback, List<UnboundPort> unbound, int exclude)
    {
        if (port == 0)
        {
            return 0;
        }

        var error = port == exclude ? SocketError.AddressAlreadyInUse : Probe(BindAddress, port);
        if (error is null)
        {
            return port;
        }

        unbound.Add(new UnboundPort(port, error.Value));
        return fallback != 0 && fallback != port && fallback != exclude && Probe(BindAddress, fallback) is null ? fallback : 0;
    }

    private int FreePort(int exclude)
    {
        for (var attempt = 0; ; attempt++)
        {
            var listener = new TcpListener(BindAddress, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (port != exclude || attempt > 10)
            {
                return port;
            }
        }
    }

    /// <summary>Binds and listens on the port for a moment: null when that worked, else why not.</summary>
    internal static SocketError? Probe(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode is not SocketError.AddressNotAvailable)
        {
            return e.SocketErrorCode;
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"IoMT:DeviceBindAddress {address} is not an address of this machine.", e);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static IPAddress ParseAddress(string value) =>
        string.Equals(value?.Trim(), "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(value?.Trim(), out var address) ? address
        : throw new InvalidOperationException($"IoMT:DeviceBindAddress must be an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::), not '{value}'.");

    private sealed record PortPlan(int HttpsPort, int MqttPort, IReadOnlyList<UnboundPort> Unbound);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information,
            Message = "Devices connect to the local hub as {HostName} on {BindAddress}: HTTPS port {HttpsPort}, MQTT over TLS port {MqttPort}; they trust the CA in {CaFile} (also GET /api/iot-hub/ca.pem)")]
        public static partial void Listening(ILogger logger, string hostName, string bindAddress, int httpsPort, int mqttPort, string caFile);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
            Message = "Device port(s) {UnboundPorts} could not be bound on {BindAddress}: devices get HTTPS on port {HttpsPort} and MQTT on port {MqttPort} instead, which IoT Hub SDKs do not use by default. "
                + "To allow 443 and 8883, free them or let this user bind them, e.g. sudo setcap 'cap_net_bind_service=+ep' \"$(readlink -f \"$(which dotnet)\")\" or sudo sysctl net.ipv4.ip_unprivileged_port_start=443 (docs/devices.md, \"Certificates and ports for devices\")")]
        public static partial void PortsUnavailable(ILogger logger, string unboundPorts, string bindAddress, int httpsPort, int mqttPort);
    }
}

/// <summary>A configured device port that could not be bound at start.</summary>
public sealed record UnboundPort(int Port, SocketError Reason)
{
    public string Describe() => Reason switch
    {
        SocketError.AccessDenied => "permission denied",
        SocketError.AddressAlreadyInUse => "in use",
        _ => Reason.ToString(),
    };
}
