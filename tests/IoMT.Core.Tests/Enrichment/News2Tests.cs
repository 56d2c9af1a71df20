using IoMT.Core.Enrichment;

namespace IoMT.Core.Tests.Enrichment;

/// <summary>Every band boundary of RCP NEWS2 (2017) chart 1, on both sides.</summary>
public class News2Tests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(8, 3)]
    [InlineData(9, 1)]
    [InlineData(11, 1)]
    [InlineData(12, 0)]
    [InlineData(20, 0)]
    [InlineData(21, 2)]
    [InlineData(24, 2)]
    [InlineData(25, 3)]
    [InlineData(60, 3)]
    [InlineData(8.4, 3)]
    [InlineData(8.5, 1)]
    public void RespiratoryRate_Bands(double perMinute, int score) => Assert.Equal(score, News2.RespiratoryRate(perMinute));

    [Theory]
    [InlineData(91, 3)]
    [InlineData(92, 2)]
    [InlineData(93, 2)]
    [InlineData(94, 1)]
    [InlineData(95, 1)]
    [InlineData(96, 0)]
    [InlineData(100, 0)]
    [InlineData(50, 3)]
    public void Spo2Scale1_Bands(double percent, int score)
    {
        Assert.Equal(score, News2.Spo2(percent, 1, onOxygen: false));
        Assert.Equal(score, News2.Spo2(percent, 1, onOxygen: true));
    }

    [Theory]
    [InlineData(83, false, 3)]
    [InlineData(84, false, 2)]
    [InlineData(85, false, 2)]
    [InlineData(86, false, 1)]
    [InlineData(87, false, 1)]
    [InlineData(88, false, 0)]
    [InlineData(92, false, 0)]
    [InlineData(92, true, 0)]
    [InlineData(93, false, 0)]
    [InlineData(100, false, 0)]
    [InlineData(93, true, 1)]
    [InlineData(94, true, 1)]
    [InlineData(95, true, 2)]
    [InlineData(96, true, 2)]
    [InlineData(97, true, 3)]
    [InlineData(100, true, 3)]
    [InlineData(83, true, 3)]
    [InlineData(84, true, 2)]
    [InlineData(85, true, 2)]
    [InlineData(86, true, 1)]
    [InlineData(87, true, 1)]
    [InlineData(88, true, 0)]
    [InlineData(89, false, 0)]
    [InlineData(89, true, 0)]
    [InlineData(83.4, false, 3)]
    [InlineData(83.5, false, 2)]
    [InlineData(85.5, false, 1)]
    [InlineData(87.5, false, 0)]
    [InlineData(92.4, true, 0)]
    [InlineData(92.5, true, 1)]
    [InlineData(94.5, true, 2)]
    [InlineData(96.5, true, 3)]
    public void Spo2Scale2_BandsOnAirAndOxygen(double percent, bool onOxygen, int score) =>
        Assert.Equal(score, News2.Spo2(percent, 2, onOxygen));

    [Fact]
    public void Spo2Scale2_AtOrAbove93WithOxygenUnknown_CannotBeScored()
    {
        Assert.Null(News2.Spo2(95, 2, onOxygen: null));
        Assert.Equal(0, News2.Spo2(90, 2, onOxygen: null));
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 0)]
    public void AirOrOxygen(bool onOxygen, int score) => Assert.Equal(score, News2.AirOrOxygen(onOxygen));

    [Theory]
    [InlineData(90, 3)]
    [InlineData(91, 2)]
    [InlineData(100, 2)]
    [InlineData(101, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 0)]
    [InlineData(219, 0)]
    [InlineData(220, 3)]
    [InlineData(40, 3)]
    public void Systolic_Bands(double mmHg, int score) => Assert.Equal(score, News2.Systolic(mmHg));

    [Theory]
    [InlineData(40, 3)]
    [InlineData(41, 1)]
    [InlineData(50, 1)]
    [InlineData(51, 0)]
    [InlineData(90, 0)]
    [InlineData(91, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 2)]
    [InlineData(130, 2)]
    [InlineData(131, 3)]
    [InlineData(250, 3)]
    public void Pulse_Bands(double perMinute, int score) => Assert.Equal(score, News2.Pulse(perMinute));

    [Theory]
    [InlineData("A", 0)]
    [InlineData("C", 3)]
    [InlineData("V", 3)]
    [InlineData("P", 3)]
    [InlineData("U", 3)]
    public void Consciousness_AlertScores0NewConfusionAndWorseScore3(string level, int score) => Assert.Equal(score, News2.Consciousness(level));

    [Theory]
    [InlineData(35.0, 3)]
    [InlineData(35.1, 1)]
    [InlineData(36.0, 1)]
    [InlineData(36.1, 0)]
    [InlineData(38.0, 0)]
    [InlineData(38.1, 1)]
    [InlineData(39.0, 1)]
    [InlineData(39.1, 2)]
    [InlineData(41.5, 2)]
    [InlineData(35.04, 3)]
    [InlineData(35.05, 1)]
    [InlineData(38.04, 0)]
    [InlineData(38.05, 1)]
    public void Temperature_BandsAtOneDecimal(double celsius, int score) => Assert.Equal(score, News2.Temperature(celsius));

    [Fact]
    public void Score_AllNormal_ZeroLowComplete()
    {
        var result = News2.Score(Normal());

        Assert.Equal(0, result.Total);
        Assert.Equal(News2Band.Low, result.Band);
        Assert.False(result.SingleParameter3);
        Assert.True(result.Complete);
    }

    [Fact]
    public void Score_SumsEveryParameter()
    {
        // RR 22 → 2, SpO2 95 → 1, oxygen → 2, systolic 105 → 1, pulse 115 → 2, alert → 0, temp 38.5 → 1.
        var result = News2.Score(new News2Input(22, 95, 1, true, 105, 115, "A", 38.5));

        Assert.Equal(new News2Scores(2, 1, 2, 1, 2, 0, 1), result.Scores);
        Assert.Equal(9, result.Total);
        Assert.Equal(News2Band.High, result.Band);
    }

    [Theory]
    [InlineData(4, false, News2Band.Low)]
    [InlineData(3, true, News2Band.LowMedium)]
    [InlineData(4, true, News2Band.LowMedium)]
    [InlineData(5, false, News2Band.Medium)]
    [InlineData(6, true, News2Band.Medium)]
    [InlineData(7, false, News2Band.High)]
    [InlineData(7, true, News2Band.High)]
    public void Score_BandsFromTotalAndSingleRedParameter(int total, bool single3, News2Band band)
    {
        var input = WithTotal(total, single3);

        var result = News2.Score(input);

        Assert.Equal((total, single3, band), (result.Total, result.SingleParameter3, result.Band));
    }

    [Fact]
    public void Score_MissingParameters_IncompleteLowerBound()
    {
        var result = News2.Score(Normal() with { Systolic = null, Temperature = null, RespiratoryRate = 26 });

        Assert.False(result.Complete);
        Assert.Equal(3, result.Total);
        Assert.Null(result.Scores.Systolic);
        Assert.Null(result.Scores.Temperature);
    }

    [Fact]
    public void Score_NewConfusionAlone_LowMedium()
    {
        var result = News2.Score(Normal() with { Consciousness = "C" });

        Assert.Equal((3, News2Band.LowMedium), (result.Total, result.Band));
    }

    private static News2Input Normal() => new(16, 97, 1, false, 120, 72, "A", 37.0);

    /// <summary>Builds inputs reaching a total, with or without one parameter scoring 3 (the others score 1 or 2).</summary>
    private static News2Input WithTotal(int total, bool withSingle3)
    {
        var input = Normal();
        var remaining = total;
        if (withSingle3)
        {
            input = input with { Consciousness = "V" };
            remaining -= 3;
        }

        // Parameters that can score 1 or 2 without reaching 3: pulse (1: 95, 2: 120), RR (1: 10, 2: 22), temp (1: 35.5, 2: 39.5), oxygen (2).
        (Func<News2Input, News2Input> One, Func<News2Input, News2Input> Two)[] steps =
        [
            (i => i with { Pulse = 95 }, i => i with { Pulse = 120 }),
            (i => i with { RespiratoryRate = 10 }, i => i with { RespiratoryRate = 22 }),
            (i => i with { Temperature = 35.5 }, i => i with { Temperature = 39.5 }),
            (i => i with { Systolic = 105 }, i => i with { Systolic = 95 }),
        ];
        foreach (var (one, two) in steps)
        {
            if (remaining >= 2)
            {
                input = two(input);
                remaining -= 2;
            }
            else if (remaining == 1)
            {
                input = one(input);
                remaining = 0;
            }
        }

        Assert.Equal(0, remaining);
        return input;
    }
}
