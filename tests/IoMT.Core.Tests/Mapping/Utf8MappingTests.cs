using System.Text;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using static IoMT.Core.Tests.Mapping.MappingFixtures;

namespace IoMT.Core.Tests.Mapping;

/// <summary>Messages mapped on their UTF-8 bytes get exactly the body the document model writes; the rest are left to it.</summary>
public sealed class Utf8MappingTests
{
    private const string Time = "2026-11-21T08:30:00Z";

    private static readonly DeviceMapping HeartRate = DeviceMapping.Load("""
        {"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{
          "typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t",
          "values":[{"valueName":"hr","valueExpression":"$.hr","required":true}]}},
          {"templateType":"JsonPathContent","template":{
          "typeName":"bloodglucose","typeMatchExpression":"$..[?(@.g.v && @g.u)]","deviceIdExpression":"$.id","timestampExpression":"$.g.at",
          "values":[{"valueName":"value","valueExpression":"$.g.v","required":true},{"valueName":"unit","valueExpression":"$.g.u","required":false},
                    {"valueName":"note","valueExpression":"$.g.n","required":false}]}}]}
        """).Mapping!;

    public static readonly TheoryData<string, bool> Messages = new()
    {
        { $$"""{"id":"d1","t":"{{Time}}","hr":70}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":"72"}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":"seventy"}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":72.50}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":1e2}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":-0}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":"\u0037\u0030"}""", true },
        { $$$"""{"readings":[{"id":"d1","t":"{{{Time}}}","hr":70},{"id":"d1","t":"{{{Time}}}","hr":71,"x":{"y":"é🙂"}}],"ünï":"ß"}""", true },
        { $$"""{"id":"d1","g":{"v":"5.5","u":"mmol/L","at":"{{Time}}","n":"after breakfast"},"hr":60,"t":"{{Time}}"}""", true },
        { $$$"""{"id":"d1","g":{"v":99,"u":"mg/dL","at":"{{{Time}}}","n":7}}""", true },
        { $$"""{"id":"d1","t":"{{Time}}","hr":12345678901234567890}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":1e400}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":true}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":null}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":" "}""", false },
        { $$"""{"id":"d1","t":"  ","hr":70}""", false },
        { $$"""{"id":"d1","t":1795249800,"hr":70}""", false },
        { $$"""{"id":"d2","t":"{{Time}}","hr":70}""", false },
        { $$"""{"id":" ","t":"{{Time}}","hr":70}""", false },
        { $$"""{"id":42,"t":"{{Time}}","hr":70}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,"hr":71}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,"x":[{"a":1,"b":2,"a":3}]}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,"h\u0072":71}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,"x":{"h\u0072":71} }""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,"x":{"a":1,"b":2} }""", true },
        { $$"""/* c */ {"id":"d1","t":"{{Time}}","hr":70}""", false },
        { $$"""{'id':'d1','t':'{{Time}}','hr':70}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":70,}""", false },
        { $$"""{"id":"d1","t":"{{Time}}","hr":"\uDC00"}""", false },
        { $$"""{"id":"d1","g":{"v":5,"u":"mg/dL","at":"{{Time}}","n":{"a":1} } }""", false },
        { """{"x":1}""", false },
        { """[1,2]""", false },
        { "\uFEFF" + $$"""{"id":"d1","t":"{{Time}}","hr":70}""", false },
        { Nested(14, $$"""{"id":"d1","t":"{{Time}}","hr":70}"""), true },
        { Nested(15, $$"""{"id":"d1","t":"{{Time}}","hr":70}"""), false },
        { Nested(16, $$"""{"id":"d1","t":"{{Time}}","hr":70}"""), false },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Map_AgreesWithTheDocumentModel(string body, bool onUtf8WhenAuthenticated)
    {
        foreach (var device in new[] { "d1", null, " " })
        {
            var message = new ReceivedMessage(Encoding.UTF8.GetBytes(body), device, ReceivedAt, "0:1");

            var expected = HeartRate.MapOnDocumentModel(message, new IngestionOptions());
            var mapped = HeartRate.Map(message, new IngestionOptions());

            if (device is "d1")
            {
                Assert.Equal(onUtf8WhenAuthenticated, HeartRate.MapUtf8(message, new IngestionOptions(), expected.MessageId) is not null);
            }

            Assert.Equal(expected.Body is null ? null : Encoding.UTF8.GetString(expected.Body), mapped.Body is null ? null : Encoding.UTF8.GetString(mapped.Body));
            Assert.Equal(expected.Rejection, mapped.Rejection);
            Assert.Equal(expected.Failures, mapped.Failures);
        }
    }

    [Fact]
    public void Map_APropertyNamedLikeAScannedMember_IsLeftToTheDocumentModel()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"id":"d1","t":"{{Time}}","hr":70}""");
        var message = new ReceivedMessage(body, "d1", ReceivedAt, "0:1") { Properties = new Dictionary<string, string> { ["hr"] = "71" } };

        var mapped = HeartRate.Map(message, new IngestionOptions());

        // The properties match the scan too, as MedTech sees them: a measurement without a device.
        Assert.Null(HeartRate.MapUtf8(message, new IngestionOptions(), "m"));
        Assert.Single(Readings(mapped));
        Assert.Equal(("/Properties", ErrorCodes.MappingRequiredMissing), (Assert.Single(mapped.Failures).Error.Pointer, mapped.Failures[0].Error.Code));
    }

    [Theory]
    [InlineData("bp-cuff", "bp-cuff", "bp-cuff-0009", true)]
    [InlineData("oximeter-iothub", "oximeter-iothub", "oximeter-0042", false)]
    [InlineData("cgm-export", "cgm-export", "cgm-0003", false)]
    [InlineData("medtech-samples", "medtech-heartrate", "medtech-sample-01", false)]
    public void Map_Fixtures_AgreeWithTheDocumentModel(string mapping, string message, string device, bool onUtf8)
    {
        var loaded = Load(mapping);
        var received = Message(message, device);

        var expected = loaded.MapOnDocumentModel(received, new IngestionOptions());

        Assert.Equal(onUtf8, loaded.MapUtf8(received, new IngestionOptions(), expected.MessageId) is not null);
        Assert.Equal(expected.Body, loaded.Map(received, new IngestionOptions()).Body);
    }

    private static string Nested(int depth, string inner) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + inner + new string('}', depth);
}
