using System.CommandLine;
using System.Text.Json;
using IoMT.Core;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt fhir export --patient ID [--from T] [--to T] [--out FILE]</c>: downloads a patient's timeline as a FHIR R4
/// Bundle. With --out the file appears only when the whole bundle arrived (written aside, checked as a stream, then
/// renamed) and is readable by the current user only: it holds health data. Without --out it goes to standard output.
/// </summary>
internal static class FhirCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var api = ApiOptions.Api();
        var token = ApiOptions.Token();
        var patient = new Option<string>("--patient") { Description = "Patient id.", Required = true };
        var from = InstantOption.Create("--from", "Start of the range (inclusive). Default: 24 hours before --to.");
        var to = InstantOption.Create("--to", "End of the range (exclusive). Default: now.");
        var output = new Option<FileInfo>("--out") { Description = "File to write the bundle to. Default: standard output." };

        var export = new Command("export", "Export a patient's timeline as a FHIR R4 Bundle (type collection).") { patient, from, to, output, api, token };
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            var patientId = parseResult.GetRequiredValue(patient);
            if (!Identifiers.IsValid(patientId))
            {
                await environment.Error.WriteLineAsync($"--patient must be 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'; got '{patientId}'.").ConfigureAwait(false);
                return CliApp.UsageError;
            }

            if (ApiOptions.Address(parseResult, api, environment) is not { } address || ApiOptions.ResolveToken(parseResult, token, environment, address) is not { } bearer)
            {
                return CliApp.UsageError;
            }

            var query = string.Join('&', new[] { ("from", parseResult.GetValue(from)), ("to", parseResult.GetValue(to)) }
                .Where(p => p.Item2 is not null)
                .Select(p => $"{p.Item1}={Uri.EscapeDataString(Core.Validation.Rfc3339.Format(p.Item2!.Value))}"));
            var path = $"api/patients/{Uri.EscapeDataString(patientId)}/fhir" + (query.Length > 0 ? "?" + query : "");
            using var client = ApiOptions.CreateClient(address, environment.Http, bearer, Timeout.InfiniteTimeSpan);
            try
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return await ApiOptions.ReportFailureAsync(response, environment, cancellationToken).ConfigureAwait(false);
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(output) is not { } file)
                {
                    using var reader = new StreamReader(body);
                    var buffer = new char[64 * 1024];
                    int read;
                    while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await environment.Output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    return 0;
                }

                var counts = await SaveAsync(body, file, cancellationToken).ConfigureAwait(false);
                var summary = string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
                await environment.Output.WriteLineAsync($"Wrote {counts.Values.Sum()} resources to {file.FullName} ({summary}).").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
            {
                await environment.Error.WriteLineAsync($"Export failed: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        return new Command("fhir", "FHIR R4 interoperability.") { export };
    }

    /// <summary>Writes beside the target, checks the bundle is whole, then renames; returns resources per type.</summary>
    private static Task<Dictionary<string, int>> SaveAsync(Stream body, FileInfo file, CancellationToken cancellationToken) =>
        OwnerOnlyFile.WriteAsync(file, async stream =>
        {
            await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            return await BundleCounter.CountAsync(stream, cancellationToken).ConfigureAwait(false);
        });
}
