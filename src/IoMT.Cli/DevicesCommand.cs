using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using IoMT.Core.Validation;
using static IoMT.Cli.ApiAnswers;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt devices register|import|list|get|disable|enable|rotate-keys|bind|unbind|export</c>: the device registry
/// through the management API (<c>--api</c>, token from <c>--token</c> or <c>IOMT_TOKEN</c>).
/// </summary>
internal static partial class DevicesCommand
{
    private static readonly string[] ListFilters = ["manufacturer", "model", "status", "kind", "patient"];

    public static Command Create(CliEnvironment environment) => new("devices", "Register and manage devices.")
    {
        Register(environment),
        Import(environment),
        List(environment),
        Get(environment),
        Simple(environment, "disable", "Disable a device: it can no longer send.", id => ($"api/devices/{id}/disable", "Disabled")),
        Simple(environment, "enable", "Enable a disabled device.", id => ($"api/devices/{id}/enable", "Enabled")),
        RotateKeys(environment),
        Bind(environment),
        Unbind(environment),
        Export(environment),
    };

    private static Command Register(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = new Option<string>("--id") { Description = "Device id (as IoT Hub accepts it).", Required = true };
        var model = new Option<string>("--model") { Description = "Model name.", Required = true };
        var kinds = new Option<string>("--kinds") { Description = "Reading kinds it sends, comma-separated, e.g. spo2,heartRate.", Required = true };
        var manufacturer = new Option<string>("--manufacturer") { Description = "Manufacturer (device makers: their own, the default)." };
        var serial = new Option<string>("--serial") { Description = "Serial number." };
        var firmware = new Option<string>("--firmware") { Description = "Firmware version." };
        var disabled = new Option<bool>("--disabled") { Description = "Register it disabled." };
        var interval = new Option<int?>("--reporting-interval") { Description = "Seconds between its reports; bound and silent for twice that, it raises device-silent." };
        var command = new Command("register", "Register one device (keys are generated).") { id, model, kinds, manufacturer, serial, firmware, disabled, interval, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PostAsync("api/devices", new
            {
                id = parseResult.GetValue(id),
                model = parseResult.GetValue(model),
                kinds = parseResult.GetValue(kinds)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                manufacturer = parseResult.GetValue(manufacturer),
                serialNumber = parseResult.GetValue(serial),
                firmware = parseResult.GetValue(firmware),
                status = parseResult.GetValue(disabled) ? "disabled" : null,
                reportingIntervalSeconds = parseResult.GetValue(interval),
            }, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body =>
                $"Registered {body["id"]} ({body["manufacturer"]} {body["model"]}: {string.Join(", ", body["kinds"]!.AsArray())}), {body["status"]}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var filters = ListFilters.Select(name => new Option<string>("--" + name) { Description = $"Only devices with this {name}." }).ToArray();
        var all = new Option<bool>("--all") { Description = "Include deleted devices." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var command = new Command("list", "List devices, every page.") { all, json, api, token };
        foreach (var filter in filters)
        {
            command.Options.Add(filter);
        }

        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var query = string.Join('&', filters.Where(f => parseResult.GetValue(f) is not null)
                .Select(f => $"{f.Name.TrimStart('-')}={Uri.EscapeDataString(parseResult.GetValue(f)!)}")
                .Append($"includeDeleted={(parseResult.GetValue(all) ? "true" : "false")}").Append("pageSize=1000"));
            var rows = new List<IReadOnlyList<string>>();
            string? continuation = null;
            do
            {
                var response = await client.GetAsync($"api/devices?{query}" + (continuation is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuation)), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    return await FailAsync(response, environment).ConfigureAwait(false);
                }

                foreach (var device in response.Body!["items"]!.AsArray())
                {
                    if (parseResult.GetValue(json))
                    {
                        await environment.Output.WriteLineAsync(device!.ToJsonString()).ConfigureAwait(false);
                    }
                    else
                    {
                        rows.Add([(string)device!["id"]!, $"{device["manufacturer"]} {device["model"]}", device["deletedAt"] is null ? (string)device["status"]! : "deleted",
                            (string?)device["patientId"] ?? "-", device["lastSeenAt"] is { } seen ? Rfc3339.Format((DateTimeOffset)seen) : "never"]);
                    }
                }

                continuation = (string?)response.Body["continuationToken"];
            }
            while (continuation is not null);

            if (!parseResult.GetValue(json))
            {
                await TextTable.WriteAsync(environment.Output, ["ID", "MODEL", "STATUS", "PATIENT", "LAST SEEN"], rows).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    private static Command Get(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = DeviceIdArgument();
        var command = new Command("get", "Show a device (never its keys).") { id, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.GetAsync($"api/devices/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body => body.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Simple(CliEnvironment environment, string name, string description, Func<string, (string Path, string Done)> route)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = DeviceIdArgument();
        var command = new Command(name, description) { id, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var (path, done) = route(Uri.EscapeDataString(parseResult.GetValue(id)!));
            return await ReportAsync(await client.PostAsync(path, null, cancellationToken).ConfigureAwait(false), environment, body => $"{done} {body["id"]}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command RotateKeys(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = DeviceIdArgument();
        var key = new Option<string>("--key") { Description = "Which key to replace: primary, secondary or both.", DefaultValueFactory = _ => "both" };
        key.AcceptOnlyFromAmong("primary", "secondary", "both");
        var command = new Command("rotate-keys", "Replace a device's keys; export its credentials again to flash them.") { id, key, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PostAsync($"api/devices/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/rotate-keys", new { key = parseResult.GetValue(key) }, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body => $"Rotated the {parseResult.GetValue(key)} key{(parseResult.GetValue(key) == "both" ? "s" : "")} of {body["id"]}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Bind(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = DeviceIdArgument();
        var patient = new Option<string>("--patient") { Description = "Patient id.", Required = true };
        var at = InstantOption.Create("--at", "When the binding takes effect. Default: now.");
        var command = new Command("bind", "Bind a device to a patient (a reassignment when it is bound to another).") { id, patient, at, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PostAsync($"api/devices/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/bind",
                new { patientId = parseResult.GetValue(patient), at = Format(parseResult.GetValue(at)) }, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body => $"Bound {body["id"]} to {body["patientId"]}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Unbind(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var id = DeviceIdArgument();
        var at = InstantOption.Create("--at", "When the binding ends. Default: now.");
        var command = new Command("unbind", "End a device's binding to its patient (the history is kept).") { id, at, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PostAsync($"api/devices/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/unbind",
                new { at = Format(parseResult.GetValue(at)) }, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body => $"Unbound {body["id"]}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Argument<string> DeviceIdArgument() => new("ID") { Description = "Device id." };

    private static string? Format(DateTimeOffset? at) => at is { } value ? Rfc3339.Format(value) : null;

    private static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
