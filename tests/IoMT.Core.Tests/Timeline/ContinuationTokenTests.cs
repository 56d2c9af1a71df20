using IoMT.Core.Timeline;

namespace IoMT.Core.Tests.Timeline;

public class ContinuationTokenTests
{
    [Fact]
    public void ToString_TryParse_RoundTripsAndIsUrlSafe()
    {
        var token = new ContinuationToken(638_999_999_999_999_999, "rd_0123/+?=");

        var text = token.ToString();

        Assert.True(ContinuationToken.TryParse(text, out var parsed));
        Assert.Equal(token, parsed);
        Assert.DoesNotContain(text, c => c is '+' or '/' or '=');
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-base64!")]
    [InlineData("djJ8MXxh")]
    [InlineData("djF8eHxh")]
    [InlineData("djF8MXw")]
    public void TryParse_Garbage_False(string token) => Assert.False(ContinuationToken.TryParse(token, out _));

    [Fact]
    public void TimelineQueries_Validate_RefusesBadQueriesByName()
    {
        var at = DateTimeOffset.UnixEpoch;

        Assert.Contains("'to'", Assert.Throws<ArgumentException>(() => TimelineQueries.Validate(new TimelineQuery("p", at, at))).Message, StringComparison.Ordinal);
        Assert.Contains("page size", Assert.Throws<ArgumentException>(() => TimelineQueries.Validate(new TimelineQuery("p", at, at.AddDays(1), PageSize: 0))).Message, StringComparison.Ordinal);
        Assert.Contains("token", Assert.Throws<ArgumentException>(() => TimelineQueries.Validate(new TimelineQuery("p", at, at.AddDays(1), ContinuationToken: "x"))).Message, StringComparison.Ordinal);
    }
}
