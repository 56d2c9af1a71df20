using System.Reflection;
using System.Text.Json.Nodes;
using IoMT.Functions.Ingestion;
using IoMT.Testing;
using Microsoft.Azure.Functions.Worker;

namespace IoMT.Functions.Tests.Metadata;

/// <summary>
/// The <c>functions.metadata</c> the Worker SDK generated when it built the app (the file the Functions host indexes the
/// app by) declares every function as functions.expected.json says: its trigger with route, methods, auth level, Event
/// Hub, consumer group and connection, and its other bindings. The settings its bindings read are in the sample.
/// </summary>
public class FunctionMetadataTests
{
    private static readonly JsonArray Generated = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!;

    private static readonly JsonArray Expected = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine("Metadata", "functions.expected.json")))!;

    [Fact]
    public void Functions_AreExactlyTheExpectedOnes()
    {
        Assert.Equal(Names(Expected), Names(Generated));
        Assert.Equal(54, Generated.Count);
    }

    [Fact]
    public void EveryFunction_DeclaresTheExpectedTriggerAndBindings()
    {
        foreach (var expected in Expected.Select(e => e!))
        {
            var name = (string)expected["name"]!;
            var generated = Generated.Single(g => (string)g!["name"]! == name)!;
            var bindings = generated["bindings"]!.AsArray().Select(b => b!).ToList();
            var trigger = Assert.Single(bindings, b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));

            Assert.Equal("IoMT.Functions." + (string)expected["entryPoint"]!, (string)generated["entryPoint"]!);
            Assert.Equal("In", (string)trigger["direction"]!);
            foreach (var (key, value) in expected["trigger"]!.AsObject())
            {
                Assert.True(JsonNode.DeepEquals(value, trigger[key]), $"{name}: trigger {key} is {trigger[key]?.ToJsonString()}, expected {value?.ToJsonString()}");
            }

            var others = bindings.Where(b => b != trigger).Select(b => $"{b["type"]} {b["name"]} {((string)b["direction"]!).ToLowerInvariant()}");
            Assert.Equal(expected["otherBindings"]!.AsArray().Select(b => (string)b!), others);
        }
    }

    [Fact]
    public void EveryEntryPoint_IsAFunctionOfTheBuiltAssemblyUnderItsName()
    {
        foreach (var function in Generated.Select(g => g!))
        {
            var entryPoint = (string)function["entryPoint"]!;
            var split = entryPoint.LastIndexOf('.');
            var type = typeof(IngestionFunction).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
            var method = Assert.Single(type.GetMethods(), m => m.Name == entryPoint[(split + 1)..]);

            Assert.Equal((string)function["name"]!, method.GetCustomAttribute<FunctionAttribute>()!.Name);
            Assert.Equal("IoMT.Functions.dll", (string)function["scriptFile"]!);
        }
    }

    [Fact]
    public void EventHubTrigger_BindsTheSdkEventDataOnTheRealExtension()
    {
        var ingest = Generated.Single(g => (string)g!["name"]! == "Ingest")!;
        var trigger = ingest["bindings"]!.AsArray().Single(b => (string)b!["type"]! == "eventHubTrigger")!;

        Assert.Equal("Many", (string)trigger["cardinality"]!);
        if (!FeedLacksEventHubsWorkerExtension)
        {
            // Extension 6.x binds EventData[] itself (deferred binding): system properties and offsets reach the app.
            Assert.Equal("True", (string?)trigger["properties"]?["supportsDeferredBinding"]);
        }
    }

    [Fact]
    public void EverySettingABindingReads_IsInTheSampleValues()
    {
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("local.settings.sample.json")))!;
        var values = sample["Values"]!.AsObject().Select(p => p.Key).ToList();
        var read = Generated.SelectMany(g => g!["bindings"]!.AsArray()).SelectMany(b => SettingsRead(b!)).Distinct().ToList();

        Assert.Contains("EventHubName", read);
        Assert.All(read, setting => Assert.Contains(setting, values));
    }

    /// <summary>Settings a binding reads: <c>%name%</c> expressions, and the identity-based connection's namespace.</summary>
    private static IEnumerable<string> SettingsRead(JsonNode binding)
    {
        foreach (var (key, value) in binding.AsObject())
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text))
            {
                if (key == "connection")
                {
                    yield return text + "__fullyQualifiedNamespace";
                }
                else if (text.Length > 2 && text[0] == '%' && text[^1] == '%')
                {
                    yield return text[1..^1];
                }
            }
        }
    }

    private static bool FeedLacksEventHubsWorkerExtension =>
        typeof(FunctionMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Any(a => a is { Key: "FeedLacksEventHubsWorkerExtension", Value: "true" });

    private static List<string> Names(JsonArray functions) => [.. functions.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal)];
}
