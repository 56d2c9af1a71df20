namespace IoMT.Core.Validation;

/// <summary>
/// A fast path for the timestamp shape devices send almost always, <c>YYYY-MM-DDTHH:MM:SS[.f{1,7}](Z|±HH:MM)</c>.
/// It returns false for anything else, including invalid values, and the caller then asks System.Text.Json, so the
/// accepted set and the results are exactly System.Text.Json's (a test compares both on generated strings).
/// </summary>
internal static class FastTimestamp
{
    private static readonly long[] FractionScale = [0, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
    private static readonly int[] DaysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    private static readonly int[] DaysBeforeMonthLeap = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        var year = (Two(s, 0) * 100) + Two(s, 2);
        var month = Two(s, 5);
        var day = Two(s, 8);
        var hour = Two(s, 11);
        var minute = Two(s, 14);
        var second = Two(s, 17);
        if ((year | month | day | hour | minute | second) < 0)
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

        var leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        var daysBeforeMonth = leap ? DaysBeforeMonthLeap : DaysBeforeMonth;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > daysBeforeMonth[month] - daysBeforeMonth[month - 1]
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        // Days since 0001-01-01, as DateTime counts them (proleptic Gregorian).
        var y = year - 1;
        long days = (y * 365) + (y / 4) - (y / 100) + (y / 400) + daysBeforeMonth[month - 1] + day - 1;
        var local = (days * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute)
            + (second * TimeSpan.TicksPerSecond) + fractionTicks;
        var utc = local - offset.Ticks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Two decimal digits at <paramref name="i"/>, or a negative number when either is not a digit.</summary>
    private static int Two(ReadOnlySpan<byte> s, int i)
    {
        var tens = (uint)(s[i] - '0');
        var units = (uint)(s[i + 1] - '0');
        return tens <= 9 && units <= 9 ? (int)((tens * 10) + units) : -1;
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
