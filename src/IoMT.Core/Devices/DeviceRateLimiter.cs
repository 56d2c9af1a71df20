using System.Collections.Concurrent;

namespace IoMT.Core.Devices;

/// <summary>
/// A token bucket per device: a device may send <c>burst</c> messages at once and <c>perSecond</c> on average. A
/// device over its limit is told when to retry; other devices are not affected. Buckets of devices that have been
/// quiet long enough to be full again are forgotten.
/// </summary>
public sealed class DeviceRateLimiter(double perSecond, double burst, TimeProvider time)
{
    private const int ForgetAbove = 100_000;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _swept;

    /// <summary>Takes one message from the device's bucket: null when it may send, else how long until it may.</summary>
    public TimeSpan? TryAcquire(string deviceId) => TryAcquire(deviceId, 1);

    /// <summary>
    /// Takes <paramref name="count"/> messages (a batch) from the device's bucket: accepted whenever one message could
    /// be, the bucket going into debt for the rest, so a batch larger than the burst still passes once and its messages
    /// count as many sent one by one; null when it may send, else how long until it may.
    /// </summary>
    public TimeSpan? TryAcquire(string deviceId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var now = time.GetTimestamp();
        // No bucket fills up faster than burst / perSecond: sweeping more often would only scan the same buckets again.
        if (_buckets.Count > ForgetAbove && time.GetElapsedTime(Interlocked.Read(ref _swept), now).TotalSeconds >= burst / perSecond)
        {
            Interlocked.Exchange(ref _swept, now);
            foreach (var id in _buckets.Where(b => TokensAt(b.Value, now) >= burst).Select(b => b.Key))
            {
                _buckets.TryRemove(id, out _);
            }
        }

        var bucket = _buckets.GetOrAdd(deviceId, _ => new Bucket(burst, now));
        lock (bucket)
        {
            bucket.Tokens = TokensAt(bucket, now);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= count;
                return null;
            }

            return TimeSpan.FromSeconds(Math.Ceiling((1 - bucket.Tokens) / perSecond));
        }
    }

    /// <summary>A bucket's tokens at <paramref name="now"/>: refilled at the average rate since its last take, up to the burst.</summary>
    private double TokensAt(Bucket bucket, long now)
    {
        lock (bucket)
        {
            return Math.Min(burst, bucket.Tokens + (time.GetElapsedTime(bucket.At, now).TotalSeconds * perSecond));
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        public long At { get; set; } = at;
    }
}
