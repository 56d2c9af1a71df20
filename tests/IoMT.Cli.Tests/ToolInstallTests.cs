using System.Diagnostics;
using IoMT.Testing;

namespace IoMT.Cli.Tests;

/// <summary>`iomt` installs as a .NET tool the way the README says: pack, then install (or update) from the package folder.</summary>
public sealed class ToolInstallTests : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task PackedAndInstalled_RunsAsIomt()
    {
        var packages = Path.Combine(_work.Path, "packages");
        var tools = Path.Combine(_work.Path, "tools");

        var packed = await DotnetAsync("pack", RepositoryPaths.Combine("src", "IoMT.Cli"), "--no-restore", "-o", packages);
        var installed = await DotnetAsync("tool", "update", "--tool-path", tools, "IoMT.Cli", "--add-source", packages);
        var ran = await RunAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "iomt.exe" : "iomt"), "--help");

        Assert.True(packed.ExitCode == 0, packed.Output);
        Assert.True(installed.ExitCode == 0, installed.Output);
        Assert.Equal(0, ran.ExitCode);
        Assert.Contains("simulate", ran.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();

    private static Task<(int ExitCode, string Output)> DotnetAsync(params string[] args) => RunAsync("dotnet", args);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
