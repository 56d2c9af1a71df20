using System.CommandLine;
using System.Text;
using System.Text.Json;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt validate [--context FILE] [--received-at ISO-8601] FILE|-</c>: runs each JSONL line through the ingestion
/// pipeline and writes one JSON line per input line: <c>{"line","status","accepted","rejected":[{"index","code","pointer","message"}]}</c>.
/// A line is a bare message (authenticated as its own deviceId) or <c>{"authenticatedDeviceId": "…", "body": {…}}</c>.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = InputFiles.Argument("Telemetry messages, one JSON value per line (JSONL).");
        var contextFile = new Option<FileInfo>("--context")
        {
            Description = "JSON file with \"devices\" [{id, status}] and \"bindings\" [{deviceId, patientId, from, to}]. Without it, device and binding checks are skipped.",
        };
        var receivedAt = InstantOption.Create("--received-at", "Receive time used for the time checks. Default: now.");

        var command = new Command("validate", "Validate telemetry messages (JSONL) against contract v1 and report each one.") { file, contextFile, receivedAt };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var context = InMemoryIngestionContext.ValidationOnly();
            if (parseResult.GetValue(contextFile) is { } path && !TryLoadContext(path, environment, out context))
            {
                return CliApp.UsageError;
            }

            using var input = InputFiles.Open(parseResult.GetRequiredValue(file), environment);
            if (input is null)
            {
                return CliApp.UsageError;
            }

            var at = parseResult.GetValue(receivedAt) ?? environment.Clock.GetUtcNow();
            var pipeline = new IngestionPipeline();
            var lineNumber = 0;
            while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                var (body, authenticated) = Unwrap(line);
                var result = pipeline.Process([new ReceivedMessage(body, authenticated, at, $"line:{lineNumber}")], context);
                var outcome = result.Outcomes[0];
                var report = new LineReport(lineNumber, outcome.Status.ToString().ToLowerInvariant(), outcome.Accepted,
                    [.. outcome.Rejected.Select(r => new RejectionReport(r.Index, r.Error.Code, r.Error.Pointer, r.Error.Message))]);
                await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Options)).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Splits a line into the message body and the authenticated device id.</summary>
    private static (byte[] Body, string? AuthenticatedDeviceId) Unwrap(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (bytes, null);
            }

            if (root.TryGetProperty("authenticatedDeviceId", out var authenticated) && root.TryGetProperty("body", out var body))
            {
                return (Encoding.UTF8.GetBytes(body.GetRawText()), authenticated.ValueKind == JsonValueKind.String ? authenticated.GetString() : null);
            }

            return (bytes, root.TryGetProperty("deviceId", out var deviceId) && deviceId.ValueKind == JsonValueKind.String ? deviceId.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // The pipeline reports what is wrong with it.
            return (bytes, null);
        }
    }

    private static bool TryLoadContext(FileInfo path, CliEnvironment environment, out InMemoryIngestionContext context)
    {
        context = new InMemoryIngestionContext();
        try
        {
            using var stream = path.OpenRead();
            var file = JsonSerializer.Deserialize<ContextFile>(stream, CliJson.Options)
                ?? throw new JsonException("The context file is empty.");
            foreach (var device in file.Devices ?? [])
            {
                var status = device.Status?.ToLowerInvariant() switch
                {
                    null or "enabled" => DeviceStatus.Enabled,
                    "disabled" => DeviceStatus.Disabled,
                    _ => throw new JsonException($"Device '{device.Id}': status must be 'enabled' or 'disabled'."),
                };
                context.AddDevice(device.Id ?? throw new JsonException("Every device needs an 'id'."), status);
            }

            foreach (var binding in file.Bindings ?? [])
            {
                context.AddBinding(new DeviceBinding(
                    binding.DeviceId ?? throw new JsonException("Every binding needs a 'deviceId'."),
                    binding.PatientId ?? throw new JsonException("Every binding needs a 'patientId'."),
                    binding.From ?? DateTimeOffset.MinValue,
                    binding.To));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            environment.Error.WriteLine($"Cannot use context file '{path}': {e.Message}");
            return false;
        }
    }

    private sealed record LineReport(int Line, string Status, int Accepted, IReadOnlyList<RejectionReport> Rejected);

    private sealed record RejectionReport(int Index, string Code, string Pointer, string Message);

    private sealed record ContextFile(IReadOnlyList<ContextDevice>? Devices, IReadOnlyList<ContextBinding>? Bindings);

    private sealed record ContextDevice(string? Id, string? Status);

    private sealed record ContextBinding(string? DeviceId, string? PatientId, DateTimeOffset? From, DateTimeOffset? To);
}
