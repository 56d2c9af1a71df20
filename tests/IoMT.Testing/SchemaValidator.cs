using System.Diagnostics;
using System.Text.Json;

namespace IoMT.Testing;

/// <summary>
/// Validates JSON files through Node.js: against a JSON Schema with Ajv (draft 2020-12, strict mode), or as FHIR R4
/// resources with the <c>fhir</c> package (core structure definitions, required bindings, date-time formats).
/// </summary>
public static class SchemaValidator
{
    private static readonly string Directory = RepositoryPaths.Combine("tests", "schema-validator");

    public static bool IsInstalled =>
        File.Exists(Path.Combine(Directory, "node_modules", "ajv", "package.json")) && File.Exists(Path.Combine(Directory, "node_modules", "fhir", "package.json"));

    public sealed record Result(string File, bool Valid, IReadOnlyList<Violation> Errors);

    public sealed record Violation(string Path, string Message);

    public static Task<IReadOnlyList<Result>> ValidateAsync(string schemaPath, IEnumerable<string> documentPaths) =>
        RunAsync("validate.mjs", [schemaPath, .. documentPaths]);

    public static Task<IReadOnlyList<Result>> ValidateFhirAsync(IEnumerable<string> documentPaths) =>
        RunAsync("validate-fhir.mjs", [.. documentPaths]);

    private static async Task<IReadOnlyList<Result>> RunAsync(string script, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (var path in arguments)
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
