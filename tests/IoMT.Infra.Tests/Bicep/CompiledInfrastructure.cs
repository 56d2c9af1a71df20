using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Infra.Tests.Arm;
using IoMT.Testing;

namespace IoMT.Infra.Tests.Bicep;

/// <summary>
/// infra/main.bicep built and linted once by the real Bicep CLI for every test class of the <see cref="BicepBuildGroup"/>,
/// and its ARM template deployed in simulation (<see cref="ArmDeployment"/>) with the parameters a test asks for.
/// </summary>
public sealed class CompiledInfrastructure
{
    /// <summary>
    /// The day the API versions in infra/ were last reviewed. The linter's use-recent-api-versions rule judges versions
    /// by their age on a given day; the tests pin that day here (the rule's test-today setting), so they do not start
    /// failing as the calendar moves. infra/bicepconfig.json keeps the rule at "warning" against the real date, which
    /// never fails a build. Reviewing again: set this to the day, and fix what the tests then report.
    /// </summary>
    public static readonly DateOnly ApiVersionsReviewedOn = new(2026, 12, 6);

    public const string DeployerPrincipalId = "11111111-2222-3333-4444-555555555555";

    private readonly Dictionary<string, ArmDeployment> _deployments = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public CompiledInfrastructure()
    {
        if (!BicepCli.IsSupportedPlatform)
        {
            return; // every test using this fixture is skipped, saying why (BicepFactAttribute)
        }

        var folder = Directory.CreateTempSubdirectory("iomt-bicep-");
        try
        {
            var config = Path.Combine(folder.FullName, "bicepconfig.json");
            File.WriteAllText(config, PinnedConfiguration().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Build = BicepCli.Run("build", MainFile, "--stdout", "--config", config);
            Lint = BicepCli.Run("lint", MainFile, "--config", config);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Template = Build.ExitCode == 0 ? JsonNode.Parse(Build.Output) as JsonObject : null;
    }

    public static string MainFile { get; } = RepositoryPaths.Combine("infra", "main.bicep");

    public static string ConfigurationFile { get; } = RepositoryPaths.Combine("infra", "bicepconfig.json");

    /// <summary><c>bicep build infra/main.bicep --stdout</c> with the pinned configuration.</summary>
    public BicepResult Build { get; } = new(-1, "", "", []);

    /// <summary><c>bicep lint infra/main.bicep</c> with the pinned configuration.</summary>
    public BicepResult Lint { get; } = new(-1, "", "", []);

    /// <summary>The compiled main template; fails the calling test with the compiler's output when the build failed.</summary>
    public JsonObject Main => Template ?? throw new InvalidOperationException(
        $"bicep build failed (exit code {Build.ExitCode}): {Build.Error}{string.Join(Environment.NewLine, Build.Diagnostics)}");

    private JsonObject? Template { get; }

    /// <summary>infra/bicepconfig.json (comments allowed, as Bicep allows them).</summary>
    public static JsonObject Configuration() =>
        JsonNode.Parse(File.ReadAllText(ConfigurationFile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();

    /// <summary>infra/bicepconfig.json with use-recent-api-versions judging versions as on <see cref="ApiVersionsReviewedOn"/>.</summary>
    public static JsonObject PinnedConfiguration()
    {
        var configuration = Configuration();
        var rule = configuration["analyzers"]!["core"]!["rules"]!["use-recent-api-versions"]!.AsObject();
        rule["test-today"] = ApiVersionsReviewedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return configuration;
    }

    /// <summary>
    /// The main template deployed in simulation, as azd would with main.parameters.json's defaults, the deployer's
    /// principal id and these switches.
    /// </summary>
    public ArmDeployment Deploy(bool communicationServices = false, bool privateNetworking = false, string principalId = DeployerPrincipalId)
    {
        var key = $"{communicationServices}|{privateNetworking}|{principalId}";
        lock (_lock)
        {
            if (!_deployments.TryGetValue(key, out var deployment))
            {
                deployment = ArmDeployment.Run(Main, new Dictionary<string, JsonNode?>
                {
                    ["environmentName"] = "iomt-test",
                    ["location"] = "westeurope",
                    ["principalId"] = principalId,
                    ["enableCommunicationServices"] = communicationServices,
                    ["enablePrivateNetworking"] = privateNetworking,
                });
                _deployments[key] = deployment;
            }

            return deployment;
        }
    }

    /// <summary>Every template of the compiled main template, nested deployments' included, with its deployment path.</summary>
    public IEnumerable<(string Path, JsonObject Template)> Templates() => Walk("", Main);

    private static IEnumerable<(string Path, JsonObject Template)> Walk(string path, JsonObject template)
    {
        yield return (path, template);
        foreach (var deployment in ResourcesOf(template).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments"))
        {
            var name = (string)deployment["name"]!;
            foreach (var nested in Walk(path.Length == 0 ? name : $"{path}/{name}", deployment["properties"]!["template"]!.AsObject()))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The resources a template declares (an array, or an object keyed by symbolic name).</summary>
    public static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };
}

/// <summary>The test classes that share one build and lint of infra/main.bicep.</summary>
[CollectionDefinition(Name)]
public sealed class BicepBuildGroup : ICollectionFixture<CompiledInfrastructure>
{
    public const string Name = "Bicep";
}

/// <summary>A fact that needs the Bicep CLI: skipped, saying why, where its NuGet package has no build (not linux-x64).</summary>
public sealed class BicepFactAttribute() : RequiresToolFactAttribute(BicepCli.IsSupportedPlatform, BicepCli.UnsupportedReason);
