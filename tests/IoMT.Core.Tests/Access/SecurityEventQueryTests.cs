using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Tests.Access;

public class SecurityEventQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_NoParameters_TheLastDayAtMost1000()
    {
        var query = SecurityEventQuery.Parse(_ => null, Now).Value!;

        Assert.Equal(new SecurityEventQuery(Now.AddDays(-1), 1000), query);
    }

    [Fact]
    public void Parse_EveryParameter_Read()
    {
        var parameters = new Dictionary<string, string>
        {
            ["since"] = "2026-11-20T00:00:00Z",
            ["before"] = "42",
            ["limit"] = "50",
            ["code"] = "access.denied",
            ["actor"] = "coordinator-7",
            ["authenticated"] = "true",
        };

        var query = SecurityEventQuery.Parse(parameters.GetValueOrDefault, Now).Value!;

        Assert.Equal(new SecurityEventQuery(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), 50, 42, "access.denied", "coordinator-7", true), query);
    }

    [Theory]
    [InlineData("since", "yesterday")]
    [InlineData("before", "0")]
    [InlineData("before", "-3")]
    [InlineData("before", "abc")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("authenticated", "yes")]
    [InlineData("code", "")]
    [InlineData("actor", "")]
    public void Parse_BadParameter_400NamingIt(string name, string value)
    {
        var error = SecurityEventQuery.Parse(p => p == name ? value : null, Now).Error!;

        Assert.Equal((400, ApiError.ParameterInvalid, name), (error.Status, error.Code, error.Field));
    }
}
