namespace IoMT.Core.Validation;

/// <summary>
/// A fast path for the timestamp shape devices send almost always, <c>YYYY-MM-DDTHH:MM:SS[.f{1,7}](Z|±HH:MM)</c>.
/// It returns false for anything else, including invalid values, and the caller then asks System.Text.Json, so the
/// accepted set and the results are exactly System.Text.Json's (a test compares both on generated strings).
/// </summary>
internal static class FastTimestamp
{
    private static readonly long[] FractionScale = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !TryDigits(s, 0, 4, out var year) || !TryDigits(s, 5, 2, out var month) || !TryDigits(s, 8, 2, out var day)
            || !TryDigits(s, 11, 2, out var hour) || !TryDigits(s, 14, 2, out var minute) || !TryDigits(s, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (s[position] == '.')
        {
            var start = ++position;
            while (position < s.Length && (uint)(s[position] - '0') <= 9)
            {
                position++;
            }

            var digits = position - start;
            if (digits is 0 or > 7 || !TryDigits(s, start, digits, out var fraction))
            {
                return false;
            }

            fractionTicks = fraction * FractionScale[digits];
        }

        TimeSpan offset;
        if (position == s.Length - 1 && s[position] == 'Z')
        {
            offset = TimeSpan.Zero;
        }
        else if (position == s.Length - 6 && s[position] is (byte)'+' or (byte)'-' && s[position + 3] == ':'
            && TryDigits(s, position + 1, 2, out var offsetHours) && TryDigits(s, position + 4, 2, out var offsetMinutes)
            && offsetHours <= 14 && offsetMinutes <= 59 && (offsetHours < 14 || offsetMinutes == 0))
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (s[position] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks;
        var utc = local - offset.Ticks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(s[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }
}
