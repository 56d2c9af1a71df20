using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IoMT.Infra.Tests.Bicep;
using IoMT.Storage.Cosmos;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>What the compiled templates deploy agrees with what the app needs: containers, settings, documentation.</summary>
[Collection(BicepBuildGroup.Name)]
public partial class DeploymentContractTests(CompiledInfrastructure infrastructure)
{
    [BicepFact]
    public void CosmosContainers_AreDeployedExactlyAsTheAppDefinesThem()
    {
        // Arrange
        var defined = CosmosContainers.Definitions(new CosmosOptions());

        // Act
        var deployed = infrastructure.Deploy().OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .ToDictionary(c => (string)c.At("properties.resource.id")!, c => c.At("properties.resource")!);

        // Assert
        Assert.Equal(defined.Select(d => d.Id).Order(), deployed.Keys.Order());
        foreach (var definition in defined)
        {
            var container = deployed[definition.Id];
            Assert.Equal(definition.PartitionKeyPaths, container["partitionKey"]!["paths"]!.AsArray().Select(p => (string)p!));
            Assert.Equal(definition.PartitionKeyPaths.Count > 1 ? "MultiHash" : "Hash", (string?)container["partitionKey"]!["kind"]);
            Assert.Equal(2, (long?)container["partitionKey"]!["version"]);
            Assert.Equal((long?)definition.DefaultTimeToLive, (long?)container["defaultTtl"]);

            var indexing = container["indexingPolicy"]!;
            Assert.Equal(definition.IndexingPolicy.IndexingMode.ToString().ToLowerInvariant(), (string?)indexing["indexingMode"]);
            Assert.Equal(definition.IndexingPolicy.Automatic, (bool?)indexing["automatic"]);
            Assert.Equal(definition.IndexingPolicy.IncludedPaths.Select(p => p.Path), Paths(indexing, "includedPaths"));
            Assert.Equal(definition.IndexingPolicy.ExcludedPaths.Select(p => p.Path), Paths(indexing, "excludedPaths"));
            var composite = (indexing["compositeIndexes"]?.AsArray() ?? [])
                .Select(index => string.Join(",", index!.AsArray().Select(p => $"{(string?)p!["path"]} {(string?)p["order"]}")));
            Assert.Equal(definition.IndexingPolicy.CompositeIndexes.Select(index => string.Join(",", index.Select(p => $"{p.Path} {p.Order.ToString().ToLowerInvariant()}"))), composite);
        }
    }

    [BicepFact]
    public void FunctionAppSettings_SetEveryValueTheSampleRequires_AndOnlySettingsTheAppReads()
    {
        // Arrange
        var sample = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("local.settings.sample.json")))!;
        var required = sample["Values"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var optional = sample["OptionalValues"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        // Set by the platform on Flex Consumption (functionAppConfig.runtime), or per organization after deployment.
        var notDeployed = required.Where(k => k == "FUNCTIONS_WORKER_RUNTIME" || k.StartsWith("Access__", StringComparison.Ordinal));
        // How the Functions host's identity-based connections pick the identity: not read by the app itself.
        var platform = new[] { "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "EventHubs__credential", "EventHubs__clientId" };

        // Act
        var deployed = AppSettings(infrastructure.Deploy()).Select(p => p.Key).ToList();

        // Assert
        Assert.Empty(required.Except(notDeployed).Except(deployed));
        Assert.Empty(deployed.Except(required).Except(optional).Except(platform));
    }

    /// <summary>function.bicep adds settings to those main.bicep passes; none of them may silently replace one passed.</summary>
    [BicepFact]
    public void FunctionAppSettings_KeepEveryValueMainPasses()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var passed = deployment.ParametersOf("function")["appSettings"]!.AsObject();

        // Act
        var settings = AppSettings(deployment);

        // Assert
        Assert.True(passed.Count >= 10, $"Only {passed.Count} settings passed.");
        Assert.All(passed, p => Assert.True(JsonNode.DeepEquals(p.Value, settings[p.Key]), $"{p.Key}: main passes {p.Value?.ToJsonString()}, the app gets {settings[p.Key]?.ToJsonString()}"));
        Assert.True(settings.Count > passed.Count, "function.bicep adds the host's own settings.");
    }

    [BicepFact]
    public void DeployDocument_ListsEveryResourceTypeAndApiVersionUsed()
    {
        // Arrange
        var documented = ResourceTableRow().Matches(File.ReadAllText(RepositoryPaths.Combine("docs", "deploy.md")))
            .Select(m => $"{m.Groups["type"].Value}@{m.Groups["version"].Value}").ToHashSet(StringComparer.Ordinal);

        // Act
        var used = infrastructure.Templates().SelectMany(t => CompiledInfrastructure.ResourcesOf(t.Template))
            .Where(r => (string?)r["type"] != "Microsoft.Resources/deployments")
            .Select(r => $"{(string)r["type"]!}@{(string)r["apiVersion"]!}").ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Empty(used.Except(documented));
        Assert.Empty(documented.Except(used));
    }

    [BicepFact]
    public void ParametersFile_NamesOnlyMainParameters_AndEveryRequiredOne()
    {
        // Arrange
        var declared = infrastructure.Main["parameters"]!.AsObject();

        // Act
        var parameters = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("infra", "main.parameters.json")))!["parameters"]!.AsObject().Select(p => p.Key).ToList();

        // Assert
        Assert.Empty(parameters.Except(declared.Select(p => p.Key)));
        Assert.Empty(declared.Where(p => !p.Value!.AsObject().ContainsKey("defaultValue")).Select(p => p.Key).Except(parameters));
    }

    [BicepFact]
    public void Azd_DeploysTheFunctionsProjectByItsServiceTag_AndItsHooksExist()
    {
        // Arrange
        var azure = File.ReadAllText(RepositoryPaths.Combine("azure.yaml"));

        // Act
        var tagged = infrastructure.Deploy(communicationServices: true, privateNetworking: true).Resources
            .Where(r => (string?)r.At("tags.azd-service-name") == "functions").ToList();

        // Assert
        Assert.Matches(@"(?m)^\s+functions:\s*$", azure);
        Assert.Matches(@"(?m)^\s+project:\s*\./src/IoMT\.Functions\s*$", azure);
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", azure);
        Assert.Equal("Microsoft.Web/sites", Assert.Single(tagged).Type);
        foreach (Match hook in Regex.Matches(azure, @"run:\s*(?<path>\S+\.sh)"))
        {
            Assert.True(File.Exists(RepositoryPaths.Combine(hook.Groups["path"].Value.Split('/'))), $"{hook.Groups["path"].Value} is missing");
        }
    }

    /// <summary>The Function app's application settings, evaluated.</summary>
    public static JsonObject AppSettings(Arm.ArmDeployment deployment) =>
        deployment.OfType("Microsoft.Web/sites/config").Single(c => c.Name.EndsWith("/appsettings", StringComparison.Ordinal)).Properties!.AsObject();

    private static IEnumerable<string> Paths(JsonNode indexing, string name) =>
        (indexing[name]?.AsArray() ?? []).Select(p => (string)p!["path"]!);

    [GeneratedRegex(@"^\|\s*`(?<type>Microsoft\.[A-Za-z]+/[A-Za-z/]+)`\s*\|\s*`(?<version>\d{4}-\d{2}-\d{2}(-preview)?)`", RegexOptions.Multiline)]
    private static partial Regex ResourceTableRow();
}
