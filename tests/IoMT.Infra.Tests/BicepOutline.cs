using System.Diagnostics;
using System.Text.Json;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>
/// What tests/infra/outline.mjs reports for each Bicep file: syntax errors, declarations, resource and module bodies
/// (objects and arrays as JSON, every other expression as its source text) and symbol references.
/// </summary>
public sealed record BicepFile(
    string Path,
    IReadOnlyList<SyntaxError> Errors,
    string TargetScope,
    IReadOnlyList<BicepParam> Params,
    IReadOnlyList<BicepVariable> Vars,
    IReadOnlyList<BicepResource> Resources,
    IReadOnlyList<BicepModule> Modules,
    IReadOnlyList<BicepOutput> Outputs,
    IReadOnlyList<string> Locals,
    IReadOnlyList<SymbolReference> References,
    IReadOnlyList<OutputReference> OutputReferences)
{
    /// <summary>Path relative to the repository root, with forward slashes.</summary>
    public string Name => System.IO.Path.GetRelativePath(RepositoryPaths.Root, Path).Replace('\\', '/');

    public IEnumerable<string> Symbols =>
        Params.Select(p => p.Name).Concat(Vars.Select(v => v.Name)).Concat(Resources.Select(r => r.Symbol)).Concat(Modules.Select(m => m.Symbol));

    public BicepVariable Var(string name) => Vars.Single(v => v.Name == name);
}

public sealed record SyntaxError(int Line, int Column, string Text);

public sealed record BicepParam(string Name, int Line, string Type, bool HasDefault, IReadOnlyList<string> Decorators);

public sealed record BicepVariable(string Name, JsonElement Value);

public sealed record BicepResource(string Symbol, string Type, int Line, bool Existing, string? Loop, string? Condition, JsonElement Body)
{
    public string ResourceType => Type.Split('@')[0];

    public string ApiVersion => Type.Split('@')[1];
}

public sealed record BicepModule(string Symbol, string Path, int Line, string? Loop, string? Condition, JsonElement Body);

public sealed record BicepOutput(string Name, string Type, int Line, IReadOnlyList<string> Decorators);

public sealed record SymbolReference(string Name, int Line);

public sealed record OutputReference(string Module, string Output, int Line);

public static class Infrastructure
{
    private static readonly Lazy<List<BicepFile>> Outline = new(Parse);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Folder { get; } = RepositoryPaths.Combine("infra");

    public static IReadOnlyList<BicepFile> Files => Outline.Value;

    public static BicepFile File(string relativePath) => Files.Single(f => f.Name == relativePath);

    public static IEnumerable<BicepResource> Resources => Files.SelectMany(f => f.Resources);

    /// <summary>A string literal's value ('x' → x); null for any other expression.</summary>
    public static string? Literal(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 2 } text && text[0] == '\'' && text[^1] == '\'' && !text.Contains("${", StringComparison.Ordinal)
            ? text[1..^1]
            : null;

    /// <summary>The value at a dotted path of a body (properties.disableLocalAuth), or null.</summary>
    public static JsonElement? At(JsonElement body, string path)
    {
        var current = body;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static List<BicepFile> Parse()
    {
        var script = RepositoryPaths.Combine("tests", "infra", "outline.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed (run npm ci --prefix tests/infra): {error}");
        }

        return JsonSerializer.Deserialize<List<BicepFile>>(output.Result, Json)!;
    }
}
