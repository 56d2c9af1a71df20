using System.CommandLine;
using System.Text.Json;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt mappings validate FILE</c>: loads a device mapping and writes <c>{"valid": true, "templates": […]}</c> or
/// <c>{"valid": false, "errors": [{"code","pointer","message"}]}</c> (exit code 1).
/// <c>iomt mappings test --mapping FILE --message FILE</c>: maps one device message and judges what it produced as
/// ingestion would: <c>{"status","messageId","deviceId","readings":[…],"rejected":[{"index","code","pointer","message"}]}</c>
/// (exit code 1 when the message is rejected).
/// </summary>
internal static class MappingsCommand
{
    public const int Invalid = 1;

    public static Command Create(CliEnvironment environment) => new("mappings", "Check device mappings (MedTech/iomt-fhir format) and try them on messages.")
    {
        Validate(environment),
        Test(environment),
    };

    private static Command Validate(CliEnvironment environment)
    {
        var file = InputFiles.Argument("A device mapping document (CollectionContent).");
        var command = new Command("validate", "Load a mapping and report every error, or what each template maps to.") { file };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (await ReadAsync(parseResult.GetRequiredValue(file), environment, cancellationToken).ConfigureAwait(false) is not { } document)
            {
                return CliApp.UsageError;
            }

            var load = DeviceMapping.Load(document);
            object report = load.IsValid
                ? new
                {
                    valid = true,
                    templates = load.Mapping!.Templates.Select(t => new
                    {
                        index = t.Index,
                        templateType = t.TemplateType,
                        typeName = t.TypeName,
                        kind = t.Target.Kind.ContractName(),
                        unit = t.Target.Unit,
                    })
                }
                : new { valid = false, errors = load.Errors.Select(e => new { code = e.Code, pointer = e.Pointer, message = e.Message }) };
            await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Options)).ConfigureAwait(false);
            return load.IsValid ? 0 : Invalid;
        });
        return command;
    }

    private static Command Test(CliEnvironment environment)
    {
        var mappingFile = new Option<string>("--mapping") { Description = "The device mapping document.", Required = true };
        var messageFile = new Option<string>("--message") { Description = "One device message (JSON) as the device sends it; - for standard input.", Required = true };
        var device = new Option<string?>("--device") { Description = "The device identity the transport authenticated. Default: the device the message names." };
        var properties = new Option<string[]>("--property")
        {
            Description = "A message property NAME=VALUE, e.g. iothub-creation-time-utc=2026-11-21T08:30:00Z (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var receivedAt = InstantOption.Create("--received-at", "When the message was received (IoT Hub's enqueued time). Default: now.");
        var command = new Command("test", "Map one device message and print the readings it produces, or the errors.")
        {
            mappingFile, messageFile, device, properties, receivedAt,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var document = await ReadAsync(parseResult.GetRequiredValue(mappingFile), environment, cancellationToken).ConfigureAwait(false);
            var message = await ReadAsync(parseResult.GetRequiredValue(messageFile), environment, cancellationToken).ConfigureAwait(false);
            var named = ParseProperties(parseResult.GetValue(properties) ?? [], environment);
            if (document is null || message is null || named is null)
            {
                return CliApp.UsageError;
            }

            var load = DeviceMapping.Load(document);
            if (!load.IsValid)
            {
                await environment.Error.WriteLineAsync(string.Join(Environment.NewLine, load.Errors.Select(e => $"{e.Code} at '{e.Pointer}': {e.Message}"))).ConfigureAwait(false);
                return CliApp.UsageError;
            }

            var at = parseResult.GetValue(receivedAt) ?? environment.Clock.GetUtcNow();
            var body = System.Text.Encoding.UTF8.GetBytes(message);
            var deviceId = parseResult.GetValue(device) ?? NamedDevice(load.Mapping!, body, at, named) ?? "test-device";
            var received = new ReceivedMessage(body, deviceId, at, "test") { Properties = named };
            var outcome = new IngestionPipeline().Process([received], InMemoryIngestionContext.ValidationOnly().AddMapping(deviceId, load.Mapping!)).Outcomes[0];
            var mapped = load.Mapping!.Map(received, new Core.Validation.IngestionOptions());
            var rejected = outcome.Rejected.Select(r => r.Index).ToHashSet();
            var report = new
            {
                status = outcome.Status.ToString().ToLowerInvariant(),
                messageId = outcome.MessageId,
                deviceId,
                readings = mapped.Body is null ? [] : MappedReadings(mapped.Body).Where((_, i) => !rejected.Contains(i)).ToList(),
                rejected = outcome.Rejected.Select(r => new { index = r.Index, code = r.Error.Code, pointer = r.Error.Pointer, message = r.Error.Message }),
            };
            await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Options)).ConfigureAwait(false);
            return outcome.Status == MessageStatus.Rejected ? Invalid : 0;
        });
        return command;
    }

    /// <summary>The device the message's measurements name, when the transport identity is not given.</summary>
    private static string? NamedDevice(DeviceMapping mapping, byte[] body, DateTimeOffset at, IReadOnlyDictionary<string, string> properties)
    {
        var mapped = mapping.Map(new ReceivedMessage(body, null, at, "test") { Properties = properties }, new Core.Validation.IngestionOptions());
        if (mapped.Body is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(mapped.Body);
        return json.RootElement.GetProperty("deviceId").GetString() is { Length: > 0 } id ? id : null;
    }

    private static List<JsonElement> MappedReadings(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("readings").EnumerateArray().Select(r => r.Clone())];
    }

    private static Dictionary<string, string>? ParseProperties(string[] pairs, CliEnvironment environment)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                environment.Error.WriteLine($"--property must be NAME=VALUE; got '{pair}'.");
                return null;
            }

            properties[pair[..equals]] = pair[(equals + 1)..];
        }

        return properties;
    }

    private static async Task<string?> ReadAsync(string path, CliEnvironment environment, CancellationToken cancellationToken)
    {
        using var input = InputFiles.Open(path, environment);
        return input is null ? null : await input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}
