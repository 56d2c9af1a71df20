using IoMT.Core.Mapping;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Tests.Mapping;

public sealed class JmesPathExpressionTests
{
    private static readonly JToken Data = JToken.ReadFrom(new JsonTextReader(new StringReader("""
        {"Body":{"a":{"b":[10,20,30]},"n":null},"Properties":{"iothub-creation-time-utc":"2026-11-21T08:30:00Z"},"t":1795249800,"ms":1795249800250}
        """)) { DateParseHandling = DateParseHandling.None });

    [Theory]
    [InlineData("Body.a.b[0]", "10")]
    [InlineData("Body.a.b[-1]", "30")]
    [InlineData(" Body . a . b [ 1 ] ", null)]
    [InlineData("Body.a.b[1]", "20")]
    [InlineData("Properties.\"iothub-creation-time-utc\"", "2026-11-21T08:30:00Z")]
    [InlineData("fromUnixTimestamp(t)", "2026-11-21T08:30:00.0000000+00:00")]
    [InlineData("fromUnixTimestampMs(ms)", "2026-11-21T08:30:00.2500000+00:00")]
    public void Select_SupportedPaths_FollowJmesPath(string expression, string? expected)
    {
        var compiled = MappingExpression.Compile(expression, ExpressionLanguage.JmesPath, "", out var error);

        if (expected is null)
        {
            // JMESPath allows no blanks inside "[1]"; the subset refuses it rather than guess.
            Assert.Null(compiled);
            Assert.NotNull(error);
            return;
        }

        Assert.Equal(expected, compiled!.SelectSingle(Data)!.ToString());
    }

    [Theory]
    [InlineData("Body.missing.x")]
    [InlineData("Body.a.b[7]")]
    [InlineData("Body.a[0]")]
    [InlineData("Body.n")]
    [InlineData("Body.a.b.c")]
    public void Select_AbsentOrMistypedPath_IsNull(string expression)
    {
        var compiled = MappingExpression.Compile(expression, ExpressionLanguage.JmesPath, "", out _)!;

        Assert.Null(compiled.SelectSingle(Data));
        Assert.Empty(compiled.SelectAll(Data));
    }

    [Fact]
    public void Select_CurrentNode_IsTheData() =>
        Assert.Same(Data, MappingExpression.Compile("@", ExpressionLanguage.JmesPath, "", out _)!.SelectSingle(Data));

    [Theory]
    [InlineData("Body.a.b[*]", "'*'")]
    [InlineData("Body.a | b", "'|'")]
    [InlineData("Body.a.b[?x > `1`]", "'?'")]
    [InlineData("length(Body.a.b)", "the function 'length'")]
    [InlineData("`1`", "'`'")]
    [InlineData("{x: Body.a}", "'{'")]
    [InlineData("Body.", "it ends too early")]
    [InlineData("$.Body.a", "'$'")]
    public void Compile_UnsupportedJmesPath_IsRefusedWithTheReason(string expression, string reason)
    {
        Assert.Null(MappingExpression.Compile(expression, ExpressionLanguage.JmesPath, "", out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains("this service evaluates field paths", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_FromUnixTimestampOfText_FailsLoudly()
    {
        var compiled = MappingExpression.Compile("fromUnixTimestamp(Body.a)", ExpressionLanguage.JmesPath, "", out _)!;

        Assert.Throws<MappingExpressionException>(() => compiled.SelectSingle(Data));
    }
}
