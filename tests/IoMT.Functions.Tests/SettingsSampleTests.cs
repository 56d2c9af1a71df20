using System.Reflection;
using System.Text.Json.Nodes;
using IoMT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Tests;

/// <summary>
/// local.settings.sample.json lists every setting the app reads: its <c>Values</c> hold what a deployment sets, its
/// <c>OptionalValues</c> (not applied by the Functions host) document the optional settings with examples.
/// </summary>
public class SettingsSampleTests
{
    private static readonly JsonObject Sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("local.settings.sample.json")))!.AsObject();

    /// <summary>Settings the Functions platform and Azure SDK credentials read themselves.</summary>
    private static readonly string[] PlatformSettings = ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage__accountName", "AZURE_CLIENT_ID", "WEBSITE_AUTH_ENABLED", "APPLICATIONINSIGHTS_CONNECTION_STRING"];

    [Fact]
    public void EveryOptionsSettingTheAppBinds_IsInTheSample()
    {
        var documented = SampleKeys();
        var recording = new RecordingSource(documented);
        var configuration = new ConfigurationBuilder().Add(recording).Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddIoMTFunctions().BuildServiceProvider();

        foreach (var options in OptionTypes())
        {
            var accessor = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(options));
            try
            {
                _ = accessor.GetType().GetProperty("Value")!.GetValue(accessor);
            }
            catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException)
            {
                // Empty configuration: reading the options is what records the keys.
            }
        }

        var undocumented = recording.Read.Where(key => !documented.Any(d => d == key || d.StartsWith(key + ":", StringComparison.Ordinal))).Order().ToList();
        Assert.True(undocumented.Count == 0, "Settings read but not in local.settings.sample.json: " + string.Join(", ", undocumented));
        Assert.Contains(recording.Read, k => k == "Cosmos:AccountEndpoint");
    }

    [Fact]
    public void EveryPlatformSetting_IsInTheSample()
    {
        var documented = SampleKeys();

        Assert.All(PlatformSettings, setting => Assert.Contains(setting.Replace("__", ":", StringComparison.Ordinal), documented));
    }

    private static HashSet<string> SampleKeys() => [.. SampleValues().Select(v => v.Key)];

    private static IEnumerable<(string Key, string? Value)> SampleValues() =>
        new[] { "Values", "OptionalValues" }.SelectMany(section => Sample[section]?.AsObject() ?? [])
            .Select(p => (p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value));

    private static IEnumerable<Type> OptionTypes() =>
        new ServiceCollection().AddLogging().AddIoMTFunctions()
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(t => t.GetGenericArguments()[0])
            .Distinct();

    /// <summary>The sample's settings as configuration, recording the key of every value and section the binder asks for.</summary>
    private sealed class RecordingSource(IEnumerable<string> keys) : ConfigurationProvider, IConfigurationSource
    {
        public SortedSet<string> Read { get; } = new(StringComparer.Ordinal);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override void Load()
        {
            foreach (var (key, value) in SampleValues().Where(v => keys.Contains(v.Key)))
            {
                Data[key] = value;
            }
        }

        public override bool TryGet(string key, out string? value)
        {
            Read.Add(key);
            return base.TryGet(key, out value);
        }

        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            if (parentPath is not null)
            {
                Read.Add(parentPath);
            }

            return base.GetChildKeys(earlierKeys, parentPath);
        }
    }
}
