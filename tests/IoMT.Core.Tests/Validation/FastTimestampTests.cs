using System.Globalization;
using System.Text;
using System.Text.Json;
using IoMT.Core.Validation;

namespace IoMT.Core.Tests.Validation;

/// <summary>The timestamp fast path accepts only what System.Text.Json accepts, with the same instant and offset.</summary>
public class FastTimestampTests
{
    [Theory]
    [InlineData("2026-11-21T08:30:00Z")]
    [InlineData("2026-11-21T08:30:00.1Z")]
    [InlineData("2026-11-21T08:30:00.123Z")]
    [InlineData("2026-11-21T08:30:00.1234567Z")]
    [InlineData("2026-11-21T09:30:00+01:00")]
    [InlineData("2026-11-21T03:30:00.5-05:00")]
    [InlineData("2024-02-29T23:59:59+14:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public void TryParse_CommonShapes_SameAsSystemTextJson(string text)
    {
        Assert.True(FastTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var fast));
        Assert.Equal((Reference(text)!.Value.UtcTicks, Reference(text)!.Value.Offset), (fast.UtcTicks, fast.Offset));
    }

    [Theory]
    [InlineData("2026-11-21T08:30:00")]
    [InlineData("2026-02-29T08:30:00Z")]
    [InlineData("2026-13-01T08:30:00Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T08:30:60Z")]
    [InlineData("2026-11-21T08:30:00.12345678Z")]
    [InlineData("2026-11-21T08:30:00+15:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("2026-11-21 08:30:00Z")]
    [InlineData("2026-11-21T08:30Z")]
    public void TryParse_OtherShapes_Declined(string text) => Assert.False(FastTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void TryParse_HundredThousandGeneratedStrings_NeverDisagreesWithSystemTextJson()
    {
        var random = new Random(2026);
        var compared = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var text = Generate(random);
            if (FastTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out var fast))
            {
                compared++;
                var reference = Reference(text);
                Assert.True(reference is not null, $"accepted '{text}' that System.Text.Json rejects");
                Assert.True(reference.Value.UtcTicks == fast.UtcTicks && reference.Value.Offset == fast.Offset, text);
            }
        }

        Assert.True(compared > 10_000, $"only {compared} generated strings took the fast path");
    }

    private static DateTimeOffset? Reference(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(text)));
        reader.Read();
        try
        {
            return reader.TryGetDateTimeOffset(out var value) ? value : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string Generate(Random random)
    {
        static string Digits(Random random, int count, int max) => random.Next(0, max + 1).ToString(new string('0', count), CultureInfo.InvariantCulture)[..count];

        var date = $"{Digits(random, 4, 9999)}-{Digits(random, 2, 13)}-{Digits(random, 2, 32)}";
        var time = $"{Digits(random, 2, 25)}:{Digits(random, 2, 61)}:{Digits(random, 2, 61)}";
        var fraction = random.Next(4) == 0 ? "" : "." + Digits(random, random.Next(1, 10), 999_999_999);
        var zone = random.Next(3) switch
        {
            0 => "Z",
            1 => $"+{Digits(random, 2, 15)}:{Digits(random, 2, 60)}",
            _ => $"-{Digits(random, 2, 15)}:{Digits(random, 2, 60)}",
        };
        var text = date + (random.Next(20) == 0 ? " " : "T") + time + fraction + zone;
        return random.Next(30) == 0 ? text.Remove(random.Next(text.Length), 1) : text;
    }
}
