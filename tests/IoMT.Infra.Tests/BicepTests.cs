using System.Text.Json;

namespace IoMT.Infra.Tests;

/// <summary>What the Bicep compiler and its linter would refuse, checked on the parsed files of infra/.</summary>
public class BicepTests
{
    private static readonly string[] Namespaces = ["sys", "az"];

    [Fact]
    public void EveryFile_ParsesWithoutSyntaxErrors()
    {
        Assert.True(Infrastructure.Files.Count >= 10, $"Only {Infrastructure.Files.Count} Bicep files found.");
        var errors = Infrastructure.Files.SelectMany(f => f.Errors.Select(e => $"{f.Name}:{e.Line}:{e.Column} near '{e.Text}'")).ToList();
        Assert.True(errors.Count == 0, "Syntax errors: " + string.Join("; ", errors));
    }

    [Fact]
    public void EveryReference_NamesADeclaredSymbol()
    {
        var unresolved = Infrastructure.Files.SelectMany(f =>
        {
            var known = f.Symbols.Concat(f.Locals).Concat(Namespaces).ToHashSet(StringComparer.Ordinal);
            return f.References.Where(r => !known.Contains(r.Name)).Select(r => $"{f.Name}:{r.Line} '{r.Name}'");
        }).ToList();
        Assert.True(unresolved.Count == 0, "Undeclared symbols: " + string.Join("; ", unresolved));
    }

    [Fact]
    public void EveryParameterAndVariable_IsUsed()
    {
        var unused = Infrastructure.Files.SelectMany(f =>
        {
            var used = f.References.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            return f.Params.Select(p => p.Name).Concat(f.Vars.Select(v => v.Name)).Where(n => !used.Contains(n)).Select(n => $"{f.Name} '{n}'");
        }).ToList();
        Assert.True(unused.Count == 0, "Declared but never used: " + string.Join("; ", unused));
    }

    [Fact]
    public void EveryParameter_IsDescribedAsRequiredOrOptional()
    {
        var wrong = Infrastructure.Files.SelectMany(f => f.Params
            .Where(p => !p.Decorators.Any(d => d.StartsWith(p.HasDefault ? "description('Optional. " : "description('Required. ", StringComparison.Ordinal)))
            .Select(p => $"{f.Name}:{p.Line} '{p.Name}'")).ToList();
        Assert.True(wrong.Count == 0, "Parameters without @description('Required. …') (no default) or @description('Optional. …') (default): " + string.Join("; ", wrong));
    }

    [Fact]
    public void EveryModule_PassesParametersItsFileDeclares_AndEveryOneItRequires()
    {
        var problems = new List<string>();
        foreach (var file in Infrastructure.Files)
        {
            foreach (var module in file.Modules)
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file.Path)!, module.Path));
                var callee = Infrastructure.Files.SingleOrDefault(f => Path.GetFullPath(f.Path) == target);
                if (callee is null)
                {
                    problems.Add($"{file.Name}:{module.Line} module '{module.Symbol}': {module.Path} does not exist");
                    continue;
                }

                var passed = Infrastructure.At(module.Body, "params") is { ValueKind: JsonValueKind.Object } p
                    ? p.EnumerateObject().Select(o => o.Name).ToHashSet(StringComparer.Ordinal)
                    : [];
                problems.AddRange(passed.Where(n => callee.Params.All(cp => cp.Name != n)).Select(n => $"{file.Name}:{module.Line} '{module.Symbol}' passes unknown '{n}'"));
                problems.AddRange(callee.Params.Where(cp => !cp.HasDefault && !passed.Contains(cp.Name)).Select(cp => $"{file.Name}:{module.Line} '{module.Symbol}' misses required '{cp.Name}'"));
                problems.AddRange(file.OutputReferences.Where(r => r.Module == module.Symbol && callee.Outputs.All(o => o.Name != r.Output))
                    .Select(r => $"{file.Name}:{r.Line} '{module.Symbol}' has no output '{r.Output}'"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Fact]
    public void MainTemplate_IsSubscriptionScoped_AndModulesTargetTheResourceGroup()
    {
        var main = Infrastructure.File("infra/main.bicep");
        Assert.Equal("subscription", main.TargetScope);
        Assert.Contains(main.Resources, r => r.ResourceType == "Microsoft.Resources/resourceGroups");
        Assert.All(main.Modules, m => Assert.Equal("rg", Infrastructure.At(m.Body, "scope")?.GetString()));
        Assert.All(Infrastructure.Files.Where(f => f != main), f => Assert.Equal("resourceGroup", f.TargetScope));
    }

    [Fact]
    public void EveryRoleAssignment_IsNamedByScopePrincipalAndRole()
    {
        var assignments = Infrastructure.Resources.Where(r => r.ResourceType is "Microsoft.Authorization/roleAssignments" or "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();
        Assert.True(assignments.Count >= 10, $"Only {assignments.Count} role assignments.");
        Assert.All(assignments, a =>
        {
            var name = Infrastructure.At(a.Body, "name")?.GetString() ?? "";
            Assert.Matches(@"^guid\([A-Za-z]+\.id, [A-Za-z]+, [A-Za-z.]+\)$", name);
            var principal = Infrastructure.At(a.Body, "properties.principalId")?.GetString();
            Assert.Contains($", {principal}, ", name, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void NoTemplate_ReadsKeysOrConnectionStrings_ExceptTheCommunicationKeyIntoKeyVault()
    {
        var offenders = Infrastructure.Files
            .SelectMany(f => File.ReadAllLines(f.Path).Select((line, i) => (File: f.Name, Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("listKeys", StringComparison.Ordinal) || l.Text.Contains("listConnectionStrings", StringComparison.Ordinal)
                || l.Text.Contains("AccountKey=", StringComparison.Ordinal) || l.Text.Contains("SharedAccessKey", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();
        var communicationKey = Infrastructure.File("infra/app/communication.bicep").Resources.Single(r => r.ResourceType == "Microsoft.KeyVault/vaults/secrets");
        Assert.Equal([$"infra/app/communication.bicep:{communicationKey.Line + 3}"], offenders);
    }
}
