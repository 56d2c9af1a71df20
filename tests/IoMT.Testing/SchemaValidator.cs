using System.Diagnostics;
using System.Text.Json;

namespace IoMT.Testing;

/// <summary>Validates JSON files against a JSON Schema with Ajv (draft 2020-12, strict mode) through Node.js.</summary>
public static class SchemaValidator
{
    private static readonly string Directory = RepositoryPaths.Combine("tests", "schema-validator");

    public static bool IsInstalled => File.Exists(Path.Combine(Directory, "node_modules", "ajv", "package.json"));

    public sealed record Result(string File, bool Valid, IReadOnlyList<Violation> Errors);

    public sealed record Violation(string Path, string Message);

    public static async Task<IReadOnlyList<Result>> ValidateAsync(string schemaPath, IEnumerable<string> documentPaths)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Directory, "validate.mjs"));
        start.ArgumentList.Add(schemaPath);
        foreach (var path in documentPaths)
        {
            start.ArgumentList.Add(path);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Schema validation failed to run: {await error}");
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<Result>(line, options)!)];
    }
}
