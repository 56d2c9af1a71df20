using System.Text.Json;
using IoMT.Testing;

namespace IoMT.Cli.Tests;

/// <summary>The worked examples of docs/mappings.md (docs/examples/mappings), through <c>iomt mappings</c>.</summary>
public class MappingsCommandTests
{
    private const string ReceivedAt = "2026-11-21T08:30:20Z";

    private static string Example(string name) => RepositoryPaths.Combine("docs", "examples", "mappings", name);

    [Theory]
    [InlineData("bp-cuff", 3)]
    [InlineData("oximeter-iothub", 2)]
    [InlineData("cgm-export", 1)]
    public async Task Validate_Examples_AreValid(string name, int templates)
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(null, "mappings", "validate", Example(name + ".mapping.json"));

        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0, exitCode);
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(templates, root.GetProperty("templates").GetArrayLength());
    }

    [Fact]
    public async Task Validate_BrokenMapping_ListsErrorsAndExitsOne()
    {
        const string Broken = """{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","typeMatchExpression":"$..[?(@hr","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""";

        var (exitCode, output, _) = await CliRunner.RunWithInputAsync(Broken, null, "mappings", "validate", "-");

        var error = JsonDocument.Parse(output).RootElement.GetProperty("errors")[0];
        Assert.Equal(1, exitCode);
        Assert.Equal(("mapping.expression-invalid", "/template/0/template/typeMatchExpression"), (error.GetProperty("code").GetString(), error.GetProperty("pointer").GetString()));
    }

    [Fact]
    public async Task Test_CuffMessage_PrintsItsThreeReadings()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(null, "mappings", "test", "--mapping", Example("bp-cuff.mapping.json"),
            "--message", Example("bp-cuff.message.json"), "--received-at", ReceivedAt);

        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0, exitCode);
        Assert.Equal(("accepted", "bp-cuff-0009"), (root.GetProperty("status").GetString(), root.GetProperty("deviceId").GetString()));
        Assert.Equal(["bloodPressure", "heartRate", "battery"], root.GetProperty("readings").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Test_CgmExport_PartialWithTheMissingValueNamed()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(null, "mappings", "test", "--mapping", Example("cgm-export.mapping.json"),
            "--message", Example("cgm-export.message.json"), "--received-at", "2026-11-21T08:40:05Z");

        var root = JsonDocument.Parse(output).RootElement;
        var rejected = Assert.Single(root.GetProperty("rejected").EnumerateArray());
        Assert.Equal(0, exitCode);
        Assert.Equal("partial", root.GetProperty("status").GetString());
        Assert.Equal(2, root.GetProperty("readings").GetArrayLength());
        Assert.Equal(("mapping.required-missing", "/egvs/2"), (rejected.GetProperty("code").GetString(), rejected.GetProperty("pointer").GetString()));
    }

    [Fact]
    public async Task Test_OximeterOverIoTHub_UsesTheDeviceAndCreationTimeGiven()
    {
        var (_, output, _) = await CliRunner.RunAsync(null, "mappings", "test", "--mapping", Example("oximeter-iothub.mapping.json"),
            "--message", Example("oximeter-iothub.message.json"), "--device", "oximeter-0042",
            "--property", "iothub-creation-time-utc=2026-11-21T08:29:58Z", "--received-at", ReceivedAt);

        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("accepted", root.GetProperty("status").GetString());
        Assert.All(root.GetProperty("readings").EnumerateArray(), r => Assert.Equal("2026-11-21T08:29:58Z", r.GetProperty("at").GetString()));
    }

    [Fact]
    public async Task Test_MessageNoTemplateMatches_RejectedWithNoMatch()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(null, "mappings", "test", "--mapping", Example("bp-cuff.mapping.json"),
            "--message", Example("cgm-export.message.json"), "--received-at", ReceivedAt);

        Assert.Equal(1, exitCode);
        Assert.Equal("mapping.no-match", JsonDocument.Parse(output).RootElement.GetProperty("rejected")[0].GetProperty("code").GetString());
    }
}
