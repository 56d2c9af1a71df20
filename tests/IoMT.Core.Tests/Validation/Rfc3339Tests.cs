using IoMT.Core.Validation;

namespace IoMT.Core.Tests.Validation;

public class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-11-21T08:30:00Z", 0)]
    [InlineData("2026-11-21T09:30:00.250+01:00", 60)]
    [InlineData("2026-11-21t08:30:00z", 0)]
    public void TryParse_Rfc3339_Parsed(string text, int offsetMinutes)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-11-21T08:30:00")]
    [InlineData("2026-11-21")]
    [InlineData("2026-02-30T08:30:00Z")]
    [InlineData("２０２６-11-21T08:30:00Z")]
    public void TryParse_NotRfc3339_False(string? text)
    {
        Assert.False(Rfc3339.TryParse(text, out _));
    }

    [Theory]
    [InlineData("2026-11-21T08:30:00Z", "2026-11-21T08:30:00Z")]
    [InlineData("2026-11-21T08:30:00.2500000Z", "2026-11-21T08:30:00.25Z")]
    [InlineData("2026-11-21T09:30:00.0000001+01:00", "2026-11-21T09:30:00.0000001+01:00")]
    public void Format_ShortestExactFormKeepingTheOffset(string input, string expected)
    {
        Assert.True(Rfc3339.TryParse(input, out var value));

        Assert.Equal(expected, Rfc3339.Format(value));
    }
}
