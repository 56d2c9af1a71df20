using System.Security.Cryptography;
using System.Text;

namespace IoMT.Core.Access;

/// <summary>
/// A refused request: who (a device <c>device:{id}</c>, a signed-in caller's id, or <c>anonymous</c>), what was refused
/// (<see cref="SecurityEventCodes"/>), the request (method and path), why, and how many such refusals it stands for.
/// </summary>
public sealed record SecurityEvent(DateTimeOffset At, string Code, string Actor, string Request, string? Detail, int Count)
{
    /// <summary>The event's place in the audit (higher is newer); <c>?before=</c> pages on it.</summary>
    public long Id { get; init; }

    /// <summary>The caller's address (IP), when the transport knows it.</summary>
    public string? Source { get; init; }

    /// <summary>Whether the caller proved who they are; refusals of callers who did not are capped and expire.</summary>
    public bool Authenticated => !SecurityEventCodes.IsUnauthenticated(Code);
}

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

    /// <summary>
    /// Refusals of callers who proved no identity: anyone can cause them, under any name, so they are counted by where
    /// they came from and kept apart (capped, expiring) from what identified callers did.
    /// </summary>
    public static bool IsUnauthenticated(string code) => code is DeviceUnauthenticated or DeviceUnknown or Unauthenticated;
}

/// <summary>Where security events are kept, newest first when listed.</summary>
public interface ISecurityEventStore
{
    Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityEvent>> ListAsync(SecurityEventQuery query, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
        ListAsync(new SecurityEventQuery(since, max), cancellationToken);
}

/// <summary>
/// Records refusals without letting a flood flood the audit. The first refusal is written at once; repeats within the
/// next minute are only counted, and the count is written with the first refusal after that minute. Repeats are those
/// of the same code by the same actor, or, for callers who proved no identity (<see cref="SecurityEventCodes.IsUnauthenticated"/>),
/// of the same code from the same source, whatever name they gave: a device sending 1,000 forged messages a second
/// writes about one event a minute, and so does a client trying a new random device id with each request. What the
/// caller chose (names, paths, reasons quoting them) is kept short; the windows in memory are bounded too.
/// </summary>
public sealed class SecurityAudit(ISecurityEventStore store, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>At most this many (code, actor or source) windows are tracked; beyond them, refusals share one per code.</summary>
    public const int MaxTracked = 10_000;

    public const int MaxActorLength = 128;
    public const int MaxRequestLength = 256;
    public const int MaxDetailLength = 512;

    private const int HashLength = 16;
    private readonly Dictionary<(string Code, string Key), (DateTimeOffset Start, int Suppressed)> _windows = [];
    private readonly Lock _lock = new();

    /// <summary>How many windows are tracked now.</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    /// <param name="source">Where the request came from (the caller's IP address), null when unknown.</param>
    public async Task RecordAsync(string code, string actor, string request, string? detail, string? source = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        var now = time.GetUtcNow();
        actor = Shorten(actor, MaxActorLength);
        source = source is null ? null : Shorten(source, MaxActorLength);
        int count;
        lock (_lock)
        {
            var key = (code, SecurityEventCodes.IsUnauthenticated(code) ? "source:" + source : actor);
            count = Count(key, now);
            if (count == 0)
            {
                return;
            }
        }

        var securityEvent = new SecurityEvent(now, code, actor, Shorten(request, MaxRequestLength), detail is null ? null : Shorten(detail, MaxDetailLength), count)
        {
            Source = source,
        };
        await store.AppendAsync(securityEvent, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SecurityEvent>> ListAsync(SecurityEventQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default) =>
        store.ListAsync(new SecurityEventQuery(since, max), cancellationToken);

    /// <summary>
    /// Text a caller chose, at most <paramref name="max"/> characters: cut, with a hash of the whole so that different
    /// long values stay apart.
    /// </summary>
    public static string Shorten(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..HashLength];
        var kept = text[..(max - HashLength - 1)];
        return (char.IsHighSurrogate(kept[^1]) ? kept[..^1] : kept) + "…" + hash;
    }

    /// <summary>The count to write now (this refusal and those suppressed before it), or 0 when it is only counted.</summary>
    private int Count((string Code, string Key) key, DateTimeOffset now)
    {
        var known = _windows.TryGetValue(key, out var window);
        if (!known && _windows.Count >= MaxTracked)
        {
            foreach (var expired in _windows.Where(w => now - w.Value.Start >= Window).Select(w => w.Key).ToList())
            {
                _windows.Remove(expired);
            }

            if (_windows.Count >= MaxTracked)
            {
                key = (key.Code, "*");
                known = _windows.TryGetValue(key, out window);
            }
        }

        if (known && now - window.Start < Window)
        {
            _windows[key] = window with { Suppressed = window.Suppressed + 1 };
            return 0;
        }

        _windows[key] = (now, 0);
        return 1 + (known ? window.Suppressed : 0);
    }
}
