namespace IoMT.Core.Validation;

/// <summary>
/// A fast path for the numbers devices send: an optional minus, up to 15 significant digits and an optional fraction,
/// no exponent. Both the digits (as an integer below 2^53) and the power of ten are exact doubles, so one IEEE division
/// gives the correctly rounded value, bit for bit what a full parser returns (Clinger's fast path). Anything else is
/// declined and left to the full parser.
/// </summary>
internal static class FastNumber
{
    private const int MaxDigits = 15;

    private static readonly double[] PowersOfTen = [.. Enumerable.Range(0, MaxDigits + 1).Select(e => Math.Pow(10, e))];

    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = s.Length > 0 && s[0] == '-';
        if (negative)
        {
            i++;
        }

        long mantissa = 0;
        var digits = 0;
        var fractionDigits = -1;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.' && fractionDigits < 0)
            {
                fractionDigits = 0;
                continue;
            }

            var digit = (uint)(c - '0');
            if (digit > 9 || ++digits > MaxDigits)
            {
                return false;
            }

            mantissa = (mantissa * 10) + digit;
            if (fractionDigits >= 0)
            {
                fractionDigits++;
            }
        }

        if (digits == 0 || fractionDigits == 0)
        {
            return false;
        }

        value = fractionDigits > 0 ? mantissa / PowersOfTen[fractionDigits] : mantissa;
        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
