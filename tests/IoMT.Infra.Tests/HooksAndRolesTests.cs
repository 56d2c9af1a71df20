using System.Diagnostics;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>The azd hooks and the sign-in app registration they create.</summary>
public class HooksAndRolesTests
{
    [Fact]
    public void AppRoles_AreExactlyTheProductsRoles_WithStableIds()
    {
        var roles = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("infra", "app-roles.json")))!.AsArray();
        Assert.Equal(Roles.All.Select(r => r.Name()), roles.Select(r => (string)r!["value"]!));
        Assert.All(roles, r =>
        {
            Assert.True(Guid.TryParse((string)r!["id"]!, out _));
            Assert.Equal(["User"], r["allowedMemberTypes"]!.AsArray().Select(t => (string)t!));
            Assert.True((bool)r["isEnabled"]!);
        });
        Assert.Equal(roles.Count, roles.Select(r => (string)r!["id"]!).Distinct().Count());
    }

    /// <summary>.ci/run installs ShellCheck; elsewhere the test is skipped when it is missing.</summary>
    [SkippableFact]
    public void ShellScripts_PassShellCheck()
    {
        var installed = File.Exists("/usr/bin/shellcheck");
        Assert.False(!installed && Environment.GetEnvironmentVariable("CI") == "true", "CI runs without ShellCheck.");
        Skip.IfNot(installed, "ShellCheck is not installed (apt-get install shellcheck).");

        var scripts = new[] { "infra/hooks", "scripts" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryPaths.Combine(folder), "*.sh"))
            .ToList();
        Assert.True(scripts.Count >= 4, $"Only {scripts.Count} scripts found.");
        var start = new ProcessStartInfo("/usr/bin/shellcheck") { RedirectStandardOutput = true, RedirectStandardError = true };
        scripts.ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
    }
}
