namespace IoMT.Core.Access;

/// <summary>
/// A refused request: who (a device <c>device:{id}</c>, a signed-in caller's id, or <c>anonymous</c>), what was refused
/// (<see cref="SecurityEventCodes"/>), the request (method and path), why, and how many such refusals it stands for.
/// </summary>
public sealed record SecurityEvent(DateTimeOffset At, string Code, string Actor, string Request, string? Detail, int Count);

public static class SecurityEventCodes
{
    public const string DeviceUnauthenticated = "device.unauthenticated";
    public const string DeviceDisabled = "device.disabled";
    public const string DeviceRateLimited = "device.rate-limited";

    /// <summary>A device id the registry does not hold (or holds deleted) tried the device endpoints.</summary>
    public const string DeviceUnknown = "device.unknown";

    /// <summary>
    /// A device sent a message id it had sent before: answered as accepted (as IoT Hub answers) and stored once. A device
    /// resending after a lost answer looks the same as a replay.
    /// </summary>
    public const string DeviceMessageReplayed = "device.message-replayed";
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";

    /// <summary>A signed-in caller asked for a patient they may not see (answered as if the patient did not exist).</summary>
    public const string AccessDenied = "access.denied";
}

/// <summary>Where security events are kept, newest first when listed.</summary>
public interface ISecurityEventStore
{
    Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default);
}

/// <summary>
/// Records refusals without letting a flood flood the audit: the first refusal of an actor for a code is written at
/// once; repeats within the next minute are only counted, and the count is written with the first refusal after that
/// minute. A device sending 1,000 forged messages a second writes about one event a minute.
/// </summary>
public sealed class SecurityAudit(ISecurityEventStore store, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTracked = 10_000;
    private readonly Dictionary<(string Code, string Actor), (DateTimeOffset Start, int Suppressed)> _windows = [];
    private readonly Lock _lock = new();

    public async Task RecordAsync(string code, string actor, string request, string? detail, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        int count;
        lock (_lock)
        {
            var known = _windows.TryGetValue((code, actor), out var window);
            if (known && now - window.Start < Window)
            {
                _windows[(code, actor)] = window with { Suppressed = window.Suppressed + 1 };
                return;
            }

            count = 1 + (known ? window.Suppressed : 0);

            if (_windows.Count >= MaxTracked)
            {
                foreach (var expired in _windows.Where(w => now - w.Value.Start >= Window).Select(w => w.Key).ToList())
                {
                    _windows.Remove(expired);
                }
            }

            _windows[(code, actor)] = (now, 0);
        }

        await store.AppendAsync(new SecurityEvent(now, code, actor, request, detail, count), cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
        store.ListAsync(since, max, cancellationToken);
}
