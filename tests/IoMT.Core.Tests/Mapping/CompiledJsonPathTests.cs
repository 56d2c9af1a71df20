using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Tests.Mapping;

/// <summary>The JSONPath shapes evaluated without Newtonsoft.Json's parser select exactly what Newtonsoft.Json selects.</summary>
public sealed class CompiledJsonPathTests
{
    public static readonly TheoryData<string> Compiled =
    [
        "$.hr", "$.device.serial", "$.measurement.takenAt", "$.a.b", "$.a.b[0].c", "$.a[0]", "$.a[1]", "$[1]", "$[0].hr",
        "$.readings[0].hr", "$.readings[1].hr", "$.readings[3][0].hr", "$.readings[01].hr", "$.readings[9]", "$.a-b.c_d", "$.hr.x",
        "$..[?(@hr)]", "$..[?(@.hr)]", "$..[?(@measurement.sys && @measurement.dia)]", "$..[?(@hr && @t)]", "$..[?( @hr&&@nested.hr )]",
        "$..[?(@a.b)]", "$..[?(@nested.hr.hr)]", "$..[?(@a)]", "$..[?(@device.batteryPercent)]", "$..[?(@missing)]",
    ];

    public static readonly TheoryData<string> NotCompiled =
    [
        "$.readings[*].hr", "$..hr", "$['hr']", "$.readings[-1]", "$..[?(@hr > 70)]", "$..[?(@hr || @spo2)]", "$.ünï", "$.hr ", "$",
        "$.a[0:1]", "$..[?(@.hr)].t", "hr", "$.hr\n",
    ];

    private static readonly string[] Messages =
    [
        """{"device":{"serial":"bp-1","batteryPercent":50},"measurement":{"sys":120,"dia":80,"pulse":70,"takenAt":"2026-11-21T08:29:40Z"}}""",
        """{"readings":[{"hr":70,"t":"2026-11-21T08:29:40Z"},{"hr":null,"t":null},{"spo2":"97"},[{"hr":1}],{"nested":{"hr":{"hr":2}}}],"hr":[70,71]}""",
        """{"ünï":"v","hr":"72","a":{"b":[{"c":"é🙂\u0000"}]},"a-b":{"c_d":1},"a.b":3}""",
        """{"a":[{"b":1},{"b":2}],"measurement":{"sys":"120","dia":"80"},"x":{"measurement":{"sys":1,"dia":2}}}""",
        """[1,{"hr":3,"t":"x"},"x",[{"hr":4}]]""",
        """{"a":new Date(1,{"b":2}),"hr":{"t":1}}""",
        "{}", "[]", "42", "\"text\"", "null",
        string.Concat(Enumerable.Repeat("{\"a\":", 30)) + "{\"hr\":1,\"t\":2}" + new string('}', 30),
    ];

    [Theory]
    [MemberData(nameof(Compiled))]
    public void CompiledShapes_AreCompiled(string path) => Assert.NotNull(CompiledJsonPath.TryCompile(path));

    [Theory]
    [MemberData(nameof(NotCompiled))]
    [InlineData("$..[?(@hr\t&& @t)]")]
    [InlineData("$..[?(\u00A0@hr)]")]
    [InlineData("$..[?(@hr)]\n")]
    public void OtherShapes_AreLeftToNewtonsoft(string path) => Assert.Null(CompiledJsonPath.TryCompile(path));

    [Theory]
    [MemberData(nameof(Compiled))]
    [MemberData(nameof(NotCompiled))]
    public void Select_OnEveryMessageAndEveryTokenInIt_AgreesWithNewtonsoft(string path)
    {
        var expression = MappingExpression.Compile(path, ExpressionLanguage.JsonPath, "", out var error);
        Assert.True(expression is not null, error);

        foreach (var message in Messages)
        {
            var root = Parse(message);
            foreach (var data in TokensOf(root))
            {
                var all = Evaluate(() => data.SelectTokens(path).ToList());
                if (all.Failed)
                {
                    Assert.Throws<MappingExpressionException>(() => expression.SelectAll(data));
                }
                else
                {
                    Assert.Equal(all.Result, expression.SelectAll(data).ToList(), ReferenceEqualityComparer.Instance);
                }

                var single = Evaluate(() => data.SelectToken(path));
                if (single.Failed)
                {
                    Assert.Throws<MappingExpressionException>(() => expression.SelectSingle(data));
                }
                else
                {
                    Assert.Same(single.Result, expression.SelectSingle(data));
                }
            }
        }
    }

    [Fact]
    public void Map_DuplicateMember_IsStillMalformed()
    {
        var mapping = DeviceMapping.Load("""
            {"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{
              "typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t",
              "values":[{"valueName":"hr","valueExpression":"$.hr","required":true}]}}]}
            """).Mapping!;
        var body = """{"id":"d1","t":"2026-11-21T08:30:00Z","hr":70,"hr":71}"""u8.ToArray();

        var mapped = mapping.Map(new ReceivedMessage(body, "d1", MappingFixtures.ReceivedAt, "0:1"), new IngestionOptions());

        Assert.Equal(ErrorCodes.JsonMalformed, mapped.Rejection!.Code);
    }

    private static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    /// <summary>The token and every token below it, properties and values included.</summary>
    private static IEnumerable<JToken> TokensOf(JToken token) => token is JContainer container ? container.DescendantsAndSelf() : [token];

    /// <summary>What Newtonsoft.Json answers, or that it failed (a mapping reports its errors as an expression failure).</summary>
    private static (bool Failed, T? Result) Evaluate<T>(Func<T> select)
    {
        try
        {
            return (false, select());
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return (true, default);
        }
    }
}
