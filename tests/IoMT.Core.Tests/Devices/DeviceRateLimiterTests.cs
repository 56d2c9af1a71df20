using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public class DeviceRateLimiterTests
{
    private readonly ManualClock _clock = new(TelemetryMessage.DefaultTime);

    [Fact]
    public void TryAcquire_BurstThenAverage_RefusesWithTheWaitUntilTheNextToken()
    {
        var limiter = new DeviceRateLimiter(perSecond: 2, burst: 5, _clock);

        var burst = Enumerable.Range(0, 5).Select(_ => limiter.TryAcquire("d-1")).ToList();
        var refused = limiter.TryAcquire("d-1");
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var refilled = limiter.TryAcquire("d-1");
        var refusedAgain = limiter.TryAcquire("d-1");

        Assert.All(burst, Assert.Null);
        Assert.Equal(TimeSpan.FromSeconds(1), refused);
        Assert.Null(refilled);
        Assert.NotNull(refusedAgain);
    }

    [Fact]
    public void TryAcquire_BatchLargerThanTheBurst_AcceptedOnceThenRefusedUntilItsMessagesArePaidFor()
    {
        var limiter = new DeviceRateLimiter(perSecond: 2, burst: 5, _clock);

        var batch = limiter.TryAcquire("d-1", 9);
        var next = limiter.TryAcquire("d-1");
        _clock.Advance(TimeSpan.FromSeconds(2));
        var stillInDebt = limiter.TryAcquire("d-1");
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var paidFor = limiter.TryAcquire("d-1");

        Assert.Null(batch);
        Assert.Equal(TimeSpan.FromSeconds(3), next);
        Assert.Equal(TimeSpan.FromSeconds(1), stillInDebt);
        Assert.Null(paidFor);
    }

    [Fact]
    public void TryAcquire_OneDeviceOverItsLimit_OthersUnaffected()
    {
        var limiter = new DeviceRateLimiter(perSecond: 1, burst: 1, _clock);

        Assert.Null(limiter.TryAcquire("flood"));
        Assert.NotNull(limiter.TryAcquire("flood"));
        Assert.Null(limiter.TryAcquire("quiet"));
    }

    [Fact]
    public void TryAcquire_AfterALongPause_TheBucketHoldsNoMoreThanTheBurst()
    {
        var limiter = new DeviceRateLimiter(perSecond: 10, burst: 3, _clock);
        limiter.TryAcquire("d-1");

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire("d-1") is null));
    }
}
