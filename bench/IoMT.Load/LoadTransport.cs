using IoMT.Client;

namespace IoMT.Load;

/// <summary>What became of one message: accepted by the gateway (durably stored), or why not, as the results count it.</summary>
public readonly record struct SendOutcome(bool Accepted, string Status);

/// <summary>
/// How a transport's devices connected before the measured window: how many, how long it took for all of them (and
/// for each), and why the others could not; <see cref="LostDuringRun"/> counts connections that closed before the
/// run closed them.
/// </summary>
public sealed record ConnectReport(int Devices, int Connected, double Seconds, LatencySummary PerDevice, IReadOnlyDictionary<string, long> Failures, long LostDuringRun);

/// <summary>
/// The way devices reach the gateway in a load run (IoT Hub's HTTPS protocol, or its MQTT dialect). <see cref="LoadRun"/>
/// keeps the schedule and the measurements, so both transports are measured the same way.
/// </summary>
public interface ILoadTransport : IAsyncDisposable
{
    /// <summary><c>https</c> or <c>mqtt</c>, as <c>--transport</c> names it.</summary>
    string Name { get; }

    /// <summary>Opens whatever the devices keep open (before the schedule starts, so it is not measured as sending).</summary>
    Task ConnectAsync(IReadOnlyList<DeviceConnection> devices, CancellationToken cancellationToken);

    /// <summary>Sends one message as device <paramref name="device"/> (its index in the list given to <see cref="ConnectAsync"/>).</summary>
    Task<SendOutcome> SendAsync(int device, string messageId, string body, CancellationToken cancellationToken);

    /// <summary>How the devices connected; null for a transport that connects as it sends.</summary>
    ConnectReport? Connections { get; }
}
