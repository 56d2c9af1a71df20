using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IoMT.Storage.Cosmos;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>What infra/ deploys agrees with what the app needs: containers, settings, identities, documentation.</summary>
public partial class DeploymentContractTests
{
    [Fact]
    public void CosmosContainers_AreDeclaredExactlyAsTheAppDefinesThem()
    {
        var declared = Infrastructure.File("infra/app/cosmos.bicep").Var("containers").Value.EnumerateArray().ToDictionary(c => Text(c.GetProperty("name")));
        var defined = CosmosContainers.Definitions(new CosmosOptions());
        Assert.Equal(defined.Select(d => d.Id).Order(), declared.Keys.Order());

        foreach (var definition in defined)
        {
            var container = declared[definition.Id];
            Assert.Equal(definition.PartitionKeyPaths, container.GetProperty("partitionKeyPaths").EnumerateArray().Select(Text));
            Assert.Equal(definition.DefaultTimeToLive?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null", Text(container.GetProperty("defaultTtl")));

            var indexing = container.GetProperty("indexingPolicy");
            Assert.Equal(definition.IndexingPolicy.IndexingMode.ToString().ToLowerInvariant(), Text(indexing.GetProperty("indexingMode")));
            Assert.Equal(definition.IndexingPolicy.Automatic ? "true" : "false", Text(indexing.GetProperty("automatic")));
            Assert.Equal(definition.IndexingPolicy.IncludedPaths.Select(p => p.Path), Paths(indexing, "includedPaths"));
            Assert.Equal(definition.IndexingPolicy.ExcludedPaths.Select(p => p.Path), Paths(indexing, "excludedPaths"));
            var composite = indexing.TryGetProperty("compositeIndexes", out var c)
                ? c.EnumerateArray().Select(index => string.Join(",", index.EnumerateArray().Select(p => $"{Text(p.GetProperty("path"))} {Text(p.GetProperty("order"))}")))
                : [];
            Assert.Equal(definition.IndexingPolicy.CompositeIndexes.Select(index => string.Join(",", index.Select(p => $"{p.Path} {p.Order.ToString().ToLowerInvariant()}"))), composite);
        }
    }

    [Fact]
    public void FunctionAppSettings_SetEveryValueTheSampleRequires_AndOnlySettingsTheAppReads()
    {
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("local.settings.sample.json")))!;
        var required = sample["Values"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var optional = sample["OptionalValues"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        var main = Infrastructure.File("infra/main.bicep").Modules.Single(m => m.Path == "app/function.bicep");
        var function = Infrastructure.File("infra/app/function.bicep").Resources.Single(r => Infrastructure.Literal(Infrastructure.At(r.Body, "name")!.Value) == "appsettings");
        var fixedSettings = Regex.Matches(Infrastructure.At(function.Body, "properties")!.Value.GetString()!, @"^\s*(\w+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        var deployed = Infrastructure.At(main.Body, "params.appSettings")!.Value.EnumerateObject().Select(p => p.Name).Concat(fixedSettings).ToList();

        Assert.Equal(deployed.Count, deployed.Distinct().Count());
        // Set by the platform on Flex Consumption (functionAppConfig.runtime), or per organization after deployment.
        var notDeployed = required.Where(k => k == "FUNCTIONS_WORKER_RUNTIME" || k.StartsWith("Access__", StringComparison.Ordinal));
        Assert.Empty(required.Except(notDeployed).Except(deployed));
        var platform = new[] { "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "EventHubs__credential", "EventHubs__clientId" };
        Assert.Empty(deployed.Except(required).Except(optional).Except(platform));
    }

    [Fact]
    public void EveryServiceThatCanRefuseKeys_RefusesThem()
    {
        string? Property(string type, string path) =>
            Infrastructure.Resources.Where(r => r.ResourceType == type && !r.Existing).Select(r => Infrastructure.At(r.Body, path)?.GetString()).Single();

        Assert.Equal("true", Property("Microsoft.EventHub/namespaces", "properties.disableLocalAuth"));
        Assert.Equal("true", Property("Microsoft.DocumentDB/databaseAccounts", "properties.disableLocalAuth"));
        Assert.Equal("true", Property("Microsoft.DocumentDB/databaseAccounts", "properties.disableKeyBasedMetadataWriteAccess"));
        Assert.Equal("true", Property("Microsoft.Devices/IotHubs", "properties.disableLocalAuth"));
        Assert.Equal("true", Property("Microsoft.Devices/IotHubs", "properties.disableModuleSAS"));
        Assert.Equal("true", Property("Microsoft.Devices/provisioningServices", "properties.disableLocalAuth"));
        Assert.Equal("true", Property("Microsoft.Insights/components", "properties.DisableLocalAuth"));
        Assert.Equal("true", Property("Microsoft.OperationalInsights/workspaces", "properties.features.disableLocalAuth"));
        Assert.Equal("false", Property("Microsoft.Storage/storageAccounts", "properties.allowSharedKeyAccess"));
        Assert.Equal("true", Property("Microsoft.KeyVault/vaults", "properties.enableRbacAuthorization"));
        Assert.Equal("'identityBased'", Infrastructure.At(
            Infrastructure.Resources.Single(r => r.ResourceType == "Microsoft.Devices/IotHubs").Body, "properties.routing.endpoints.eventHubs")!.Value[0].GetProperty("authenticationType").GetString());
        Assert.Equal("'UserAssigned'", Infrastructure.At(
            Infrastructure.Resources.Single(r => r.ResourceType == "Microsoft.Devices/provisioningServices").Body, "properties.iotHubs")!.Value[0].GetProperty("authenticationType").GetString());
    }

    [Fact]
    public void DeployDocument_ListsEveryResourceTypeAndApiVersionUsed()
    {
        var documented = ResourceTableRow().Matches(File.ReadAllText(RepositoryPaths.Combine("docs", "deploy.md")))
            .Select(m => $"{m.Groups["type"].Value}@{m.Groups["version"].Value}").ToHashSet(StringComparer.Ordinal);
        var used = Infrastructure.Resources.Select(r => r.Type).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(used.Except(documented));
        Assert.Empty(documented.Except(used));
    }

    [Fact]
    public void ParametersFile_NamesOnlyMainParameters_AndEveryRequiredOne()
    {
        var main = Infrastructure.File("infra/main.bicep");
        var parameters = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("infra", "main.parameters.json")))!["parameters"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Empty(parameters.Except(main.Params.Select(p => p.Name)));
        Assert.Empty(main.Params.Where(p => !p.HasDefault).Select(p => p.Name).Except(parameters));
    }

    [Fact]
    public void Azd_DeploysTheFunctionsProjectByItsServiceTag_AndItsHooksExist()
    {
        var azure = File.ReadAllText(RepositoryPaths.Combine("azure.yaml"));
        Assert.Matches(@"(?m)^\s+functions:\s*$", azure);
        Assert.Matches(@"(?m)^\s+project:\s*\./src/IoMT\.Functions\s*$", azure);
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", azure);
        var tagged = Infrastructure.Resources.Where(r => Infrastructure.At(r.Body, "tags")?.GetString()?.Contains("'azd-service-name': 'functions'", StringComparison.Ordinal) == true);
        Assert.Equal("Microsoft.Web/sites", Assert.Single(tagged).ResourceType);
        foreach (Match hook in Regex.Matches(azure, @"run:\s*(?<path>\S+\.sh)"))
        {
            Assert.True(File.Exists(RepositoryPaths.Combine(hook.Groups["path"].Value.Split('/'))), $"{hook.Groups["path"].Value} is missing");
        }
    }

    private static string Text(JsonElement element) => Infrastructure.Literal(element) ?? element.GetString()!;

    private static IEnumerable<string> Paths(JsonElement indexing, string name) =>
        indexing.TryGetProperty(name, out var paths) ? paths.EnumerateArray().Select(p => Text(p.GetProperty("path"))) : [];

    [GeneratedRegex(@"^\|\s*`(?<type>Microsoft\.[A-Za-z]+/[A-Za-z/]+)`\s*\|\s*`(?<version>\d{4}-\d{2}-\d{2}(-preview)?)`", RegexOptions.Multiline)]
    private static partial Regex ResourceTableRow();
}
