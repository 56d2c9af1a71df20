using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace IoMT.Infra.Tests.Bicep;

/// <summary>One diagnostic of the Bicep compiler or linter (BCP… codes or a linter rule name).</summary>
public sealed record BicepDiagnostic(string Level, string Code, string File, int Line, string Message)
{
    public override string ToString() => $"{File}({Line}) : {Level} {Code}: {Message}";
}

/// <summary>What one run of the Bicep CLI printed: its exit code, its output and its diagnostics.</summary>
public sealed record BicepResult(int ExitCode, string Output, string Error, IReadOnlyList<BicepDiagnostic> Diagnostics);

/// <summary>
/// The real Bicep CLI, from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c> that this project downloads
/// (PackageDownload; the csproj passes its path as assembly metadata). Only linux-x64 is downloaded: elsewhere the tests
/// that need it are skipped (<see cref="BicepFactAttribute"/>).
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Where the package puts the binary, or null when this build did not download it.</summary>
    public static string? Path { get; } = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .SingleOrDefault(a => a.Key == "BicepCli")?.Value;

    public static bool IsSupportedPlatform => OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;

    public static string UnsupportedReason =>
        $"The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64; this is {RuntimeInformation.RuntimeIdentifier}.";

    /// <summary>Runs <c>bicep arguments…</c> with SARIF diagnostics; --stdout sends the template to standard output.</summary>
    public static BicepResult Run(params string[] arguments)
    {
        var binary = Executable();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = IoMT.Testing.RepositoryPaths.Root,
        };
        foreach (var argument in arguments.Concat(["--diagnostics-format", "sarif"]))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {binary}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {Timeout}.");
        }

        process.WaitForExit();
        // With --stdout the template is on standard output and the SARIF log on standard error; lint writes the log to
        // standard output. The log is the JSON document with "runs".
        var sarif = new[] { error.Result, output.Result }.Select(AsSarif).FirstOrDefault(log => log is not null);
        return new BicepResult(process.ExitCode, output.Result, error.Result, sarif is null ? [] : Diagnostics(sarif));
    }

    private static JsonNode? AsSarif(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return null;
        }

        var document = JsonNode.Parse(text);
        return document is JsonObject o && o.ContainsKey("runs") ? document : null;
    }

    /// <summary>The diagnostics of a SARIF 2.1 log as Bicep writes it (a result without level is a warning).</summary>
    public static IReadOnlyList<BicepDiagnostic> Diagnostics(JsonNode log) =>
        (log["runs"]?.AsArray() ?? [])
            .SelectMany(run => run?["results"]?.AsArray() ?? [])
            .Select(result =>
            {
                var location = result!["locations"]?[0]?["physicalLocation"];
                var uri = (string?)location?["artifactLocation"]?["uri"] ?? "";
                var file = uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : uri;
                return new BicepDiagnostic(
                    (string?)result["level"] ?? "warning",
                    (string?)result["ruleId"] ?? "",
                    System.IO.Path.GetRelativePath(IoMT.Testing.RepositoryPaths.Root, file).Replace('\\', '/'),
                    (int?)location?["region"]?["startLine"] ?? 0,
                    (string?)result["message"]?["text"] ?? "");
            })
            .ToList();

    private static string Executable()
    {
        if (!IsSupportedPlatform)
        {
            throw new PlatformNotSupportedException(UnsupportedReason);
        }

        if (Path is null || !File.Exists(Path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at '{Path}': restore tests/IoMT.Infra.Tests (its PackageDownload of Azure.Bicep.CommandLine.linux-x64 puts it there).");
        }

        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts the package without the execute bit for group and others (and on some systems without any).
            var mode = File.GetUnixFileMode(Path);
            const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & Execute) != Execute)
            {
                try
                {
                    File.SetUnixFileMode(Path, mode | Execute);
                }
                catch (UnauthorizedAccessException) when ((mode & UnixFileMode.UserExecute) != 0)
                {
                    // Not ours to change, and runnable by its owner: try as is.
                }
            }
        }

        return Path;
    }
}
