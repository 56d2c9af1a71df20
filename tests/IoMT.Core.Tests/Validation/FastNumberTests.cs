using System.Buffers.Text;
using System.Globalization;
using System.Text;
using IoMT.Core.Validation;

namespace IoMT.Core.Tests.Validation;

/// <summary>The number fast path gives exactly the double a full parser gives, or declines.</summary>
public class FastNumberTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("97")]
    [InlineData("37.2")]
    [InlineData("-40.5")]
    [InlineData("98.6")]
    [InlineData("0.1")]
    [InlineData("6.1")]
    [InlineData("123456789012345")]
    [InlineData("1.23456789012345")]
    public void TryParse_ShortDecimals_ExactlyLikeUtf8Parser(string text)
    {
        Assert.True(FastNumber.TryParse(Encoding.UTF8.GetBytes(text), out var fast));
        Assert.True(Utf8Parser.TryParse(Encoding.UTF8.GetBytes(text), out double reference, out _));
        Assert.Equal(BitConverter.DoubleToInt64Bits(reference), BitConverter.DoubleToInt64Bits(fast));
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1E-2")]
    [InlineData("1234567890123456")]
    [InlineData("0.12345678901234567")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData("0.000000000000001")]
    public void TryParse_OtherShapes_Declined(string text) => Assert.False(FastNumber.TryParse(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void TryParse_TwoHundredThousandRandomDecimals_BitIdenticalToUtf8Parser()
    {
        var random = new Random(7);
        var taken = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var digits = random.Next(1, 17);
            var mantissa = random.NextInt64(0, (long)Math.Pow(10, Math.Min(digits, 18)));
            var scale = random.Next(0, digits + 1);
            var text = (random.Next(4) == 0 ? "-" : "") + new decimal(mantissa).ToString(CultureInfo.InvariantCulture) switch
            {
                var m when scale == 0 || scale >= m.Length => m,
                var m => m[..^scale] + "." + m[^scale..],
            };
            var bytes = Encoding.UTF8.GetBytes(text);
            if (FastNumber.TryParse(bytes, out var fast))
            {
                taken++;
                Assert.True(Utf8Parser.TryParse(bytes, out double reference, out _), text);
                Assert.True(BitConverter.DoubleToInt64Bits(reference) == BitConverter.DoubleToInt64Bits(fast), text);
            }
        }

        Assert.True(taken > 100_000, $"only {taken} took the fast path");
    }
}
