using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IoMT.Infra.Tests.Bicep;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>
/// infra/ as the real Bicep compiler and linter see it: no error and no warning (a type warning such as BCP035, BCP036,
/// BCP037, BCP081 or BCP089 leaves the exit code at 0, so the tests read the diagnostics), and the shape of the compiled
/// ARM template. Undeclared symbols, unused parameters and variables are the compiler's and linter's to find.
/// </summary>
[Collection(BicepBuildGroup.Name)]
public partial class BicepCompilerTests(CompiledInfrastructure infrastructure)
{
    [BicepFact]
    public void Build_MainTemplate_ReportsNoErrorOrWarning()
    {
        // Arrange
        var build = infrastructure.Build;

        // Act
        var diagnostics = build.Diagnostics;

        // Assert
        Assert.True(build.ExitCode == 0, $"bicep build exited with {build.ExitCode}: {build.Error}");
        Assert.True(diagnostics.Count == 0, "bicep build:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics));
    }

    [BicepFact]
    public void Lint_MainTemplate_ReportsNoErrorOrWarning()
    {
        // Arrange
        var lint = infrastructure.Lint;

        // Act
        var diagnostics = lint.Diagnostics;

        // Assert
        Assert.True(lint.ExitCode == 0, $"bicep lint exited with {lint.ExitCode}: {lint.Output}{lint.Error}");
        Assert.True(diagnostics.Count == 0, "bicep lint:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics));
    }

    /// <summary>The checks above would pass on a run that reports nothing: this one shows the CLI reports what they look for.</summary>
    [BicepFact]
    public void Lint_TemplateWithOldApiVersionAndWrongPropertyType_ReportsBothAsWarningsWithExitCodeZero()
    {
        // Arrange
        var folder = Directory.CreateTempSubdirectory("iomt-bicep-probe-");
        try
        {
            var file = Path.Combine(folder.FullName, "probe.bicep");
            File.WriteAllText(file, """
                resource account 'Microsoft.Storage/storageAccounts@2021-02-01' = {
                  name: 'stprobe'
                  location: 'westeurope'
                  kind: 'StorageV2'
                  sku: { name: 'Standard_LRS' }
                  properties: { allowSharedKeyAccess: 'no' }
                }
                """);
            var config = Path.Combine(folder.FullName, "bicepconfig.json");
            File.WriteAllText(config, CompiledInfrastructure.PinnedConfiguration().ToJsonString());

            // Act
            var lint = BicepCli.Run("lint", file, "--config", config);

            // Assert
            Assert.Equal(0, lint.ExitCode);
            Assert.Contains(lint.Diagnostics, d => d is { Code: "use-recent-api-versions", Level: "warning", Line: 1 });
            Assert.Contains(lint.Diagnostics, d => d is { Code: "BCP036", Level: "warning", Line: 6 });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void BicepConfig_KeepsTheRulesTheTestsRelyOn_AndNoRuleThatDependsOnTheDateCanFail()
    {
        // Arrange
        var rules = CompiledInfrastructure.Configuration()["analyzers"]!["core"]!["rules"]!.AsObject();
        string? Level(string rule) => (string?)rules[rule]?["level"];

        // Act
        var required = new[] { "no-unused-params", "no-unused-vars", "no-unused-existing-resources", "no-hardcoded-env-urls", "outputs-should-not-contain-secrets", "secure-secrets-in-params" };

        // Assert
        Assert.All(required, rule => Assert.Equal("error", Level(rule)));
        // Judged against the real date by editors and ci.yml's lint, so only ever a warning there; the tests pin the date.
        Assert.Equal("warning", Level("use-recent-api-versions"));
        Assert.Null(rules["use-recent-api-versions"]!["test-today"]);
    }

    [BicepFact]
    public void MainTemplate_DeploysEveryModuleFileOnce()
    {
        // Arrange
        var source = File.ReadAllText(CompiledInfrastructure.MainFile);
        var files = Directory.EnumerateFiles(RepositoryPaths.Combine("infra", "app"), "*.bicep").Select(f => $"app/{Path.GetFileName(f)}").Order().ToList();

        // Act
        var modules = ModuleDeclaration().Matches(source).Select(m => m.Groups["path"].Value).Order().ToList();
        var nested = CompiledInfrastructure.ResourcesOf(infrastructure.Main).Count(r => (string?)r["type"] == "Microsoft.Resources/deployments");

        // Assert
        Assert.True(files.Count >= 10, $"Only {files.Count} module files.");
        Assert.Equal(files, modules);
        Assert.Equal(modules.Count, nested);
    }

    [BicepFact]
    public void MainTemplate_IsSubscriptionScoped_AndEveryModuleDeploysIntoItsResourceGroup()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);

        // Act
        var group = deployment.Single("Microsoft.Resources/resourceGroups");
        var modules = CompiledInfrastructure.ResourcesOf(infrastructure.Main).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments").ToList();

        // Assert
        Assert.EndsWith("/subscriptionDeploymentTemplate.json#", (string)infrastructure.Main["$schema"]!);
        Assert.Equal("rg-iomt-test", group.Name);
        Assert.All(modules, m => Assert.Equal("[variables('resourceGroupName')]", (string?)m["resourceGroup"]));
        Assert.All(infrastructure.Templates().Where(t => t.Path.Length > 0), t => Assert.EndsWith("/deploymentTemplate.json#", (string)t.Template["$schema"]!));
        Assert.All(deployment.Resources.Where(r => r.Deployment.Length > 0), r => Assert.StartsWith($"{group.Id}/providers/", r.Id, StringComparison.Ordinal));
    }

    [BicepFact]
    public void EveryParameter_IsDescribedAsRequiredOrOptional()
    {
        // Arrange
        var templates = infrastructure.Templates().ToList();

        // Act
        var wrong = templates.SelectMany(t => (t.Template["parameters"]?.AsObject() ?? []).Where(p =>
        {
            var description = (string?)p.Value!["metadata"]?["description"] ?? "";
            var optional = p.Value.AsObject().ContainsKey("defaultValue");
            return !description.StartsWith(optional ? "Optional. " : "Required. ", StringComparison.Ordinal);
        }).Select(p => $"{(t.Path.Length == 0 ? "main" : t.Path)} '{p.Key}'")).ToList();

        // Assert
        Assert.True(wrong.Count == 0, "Parameters without @description('Required. …') (no default) or @description('Optional. …') (default): " + string.Join("; ", wrong));
    }

    [BicepFact]
    public void EveryModule_PassesOnlyParametersItDeclares_AndEveryOneItRequires_AndItsReadOutputsExist()
    {
        // Arrange
        var problems = new List<string>();

        // Act
        foreach (var (path, template) in infrastructure.Templates())
        {
            var modules = CompiledInfrastructure.ResourcesOf(template).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
                .ToDictionary(r => (string)r["name"]!, r => r["properties"]!.AsObject());
            foreach (var (name, properties) in modules)
            {
                var declared = properties["template"]!["parameters"]?.AsObject() ?? [];
                var passed = properties["parameters"]?.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
                problems.AddRange(passed.Where(p => !declared.ContainsKey(p)).Select(p => $"'{name}' is passed unknown '{p}'"));
                problems.AddRange(declared.Where(d => !d.Value!.AsObject().ContainsKey("defaultValue") && !passed.Contains(d.Key)).Select(d => $"'{name}' misses required '{d.Key}'"));
            }

            foreach (var read in OwnStrings(template).SelectMany(text => OutputRead().Matches(text)))
            {
                var module = read.Groups["module"].Value;
                var output = read.Groups["output"].Value;
                if (!modules.TryGetValue(module, out var properties) || properties["template"]!["outputs"]?[output] is null)
                {
                    problems.Add($"{(path.Length == 0 ? "main" : path)} reads output '{output}' that module '{module}' does not have");
                }
            }
        }

        // Assert
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    /// <summary>Every string of a template, keys included, but not those of the templates nested in it.</summary>
    private static IEnumerable<string> OwnStrings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "template" && o["mode"] is not null ? [] : OwnStrings(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(OwnStrings),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    [GeneratedRegex(@"^module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleDeclaration();

    [GeneratedRegex(@"'Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'\)\.outputs\.(?<output>\w+)\.value")]
    private static partial Regex OutputRead();
}
