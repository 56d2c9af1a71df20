using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Client;
using IoMT.Core.Devices;
using static IoMT.Cli.ApiAnswers;

namespace IoMT.Cli;

/// <summary><c>iomt devices import</c> and <c>iomt devices export</c>: many devices at once, and their credentials.</summary>
internal static partial class DevicesCommand
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly string[] CredentialFields = ["deviceId", "hostName", "connectionString", "primaryKey", "secondaryKey", "idScope", "registrationId", "provisioningHost"];

    private static Command Import(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var file = new Argument<FileInfo>("FILE") { Description = "Devices as CSV (a header row naming the columns) or a JSON array of registrations." };
        var chunk = new Option<int>("--chunk") { Description = "Rows per request.", DefaultValueFactory = _ => 500 };
        var output = new Option<FileInfo>("--out") { Description = "Write the imported devices' credentials to this file (readable by you only)." };
        var command = new Command("import", "Register many devices; rows already registered are left as they are, so an interrupted import continues when run again.")
        {
            file, chunk, output, api, token,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var rows = await ReadRowsAsync(parseResult.GetValue(file)!, environment).ConfigureAwait(false);
            var size = parseResult.GetValue(chunk);
            if (rows is null || size is < 1 or > DeviceImport.MaxRows)
            {
                if (rows is not null)
                {
                    await environment.Error.WriteLineAsync($"--chunk must be 1–{DeviceImport.MaxRows}.").ConfigureAwait(false);
                }

                return CliApp.UsageError;
            }

            return await ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            {
                var results = new List<JsonNode>();
                foreach (var part in rows.Chunk(size))
                {
                    var response = await client.PostAsync("api/devices/import", part, cancellationToken).ConfigureAwait(false);
                    if (!response.IsSuccess)
                    {
                        await environment.Error.WriteLineAsync().ConfigureAwait(false);
                        return await FailAsync(response, environment).ConfigureAwait(false);
                    }

                    var offset = results.Count;
                    foreach (var row in response.Body!["rows"]!.AsArray())
                    {
                        // Rows and pointers are numbered per request: number them in the file.
                        row!["row"] = (int)row["row"]! + offset;
                        if ((string?)row["field"] is ['/', ..] field && field.IndexOf('/', 1) is var end
                            && int.TryParse(end < 0 ? field[1..] : field[1..end], System.Globalization.CultureInfo.InvariantCulture, out var index))
                        {
                            row["field"] = $"/{index + offset}{(end < 0 ? "" : field[end..])}";
                        }

                        results.Add(row);
                    }

                    await Progress(environment.Error, results.Count, rows.Count).ConfigureAwait(false);
                }

                await environment.Error.WriteLineAsync().ConfigureAwait(false);
                await SummarizeAsync(results, environment.Output).ConfigureAwait(false);
                var imported = results.Where(r => (string?)r["status"] != DeviceImport.Invalid).Select(r => (string)r["deviceId"]!).ToList();
                if (parseResult.GetValue(output) is { } credentials && await WriteCredentialsAsync(client, imported, credentials, environment, cancellationToken).ConfigureAwait(false) is var status && status != 0)
                {
                    return status;
                }

                return results.Any(r => (string?)r["status"] == DeviceImport.Invalid) ? 1 : 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Export(CliEnvironment environment)
    {
        var (api, token) = (ApiOptions.Api(), ApiOptions.Token());
        var ids = new Argument<string[]>("ID") { Description = "Device ids (or registration ids with --group).", Arity = ArgumentArity.ZeroOrMore };
        var idsFile = new Option<FileInfo>("--ids-file") { Description = "More ids, one per line." };
        var group = new Option<string>("--group") { Description = "Derive DPS keys for these registration ids from this enrollment group's key, offline." };
        var output = new Option<string>("--out") { Description = "File to write the credentials to (readable by you only), or - for standard output.", Required = true };
        var command = new Command("export", "Export credentials for flashing: connection strings, or DPS id scope and derived keys.") { ids, idsFile, group, output, api, token };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var all = (parseResult.GetValue(ids) ?? []).ToList();
            if (parseResult.GetValue(idsFile) is { } list)
            {
                try
                {
                    all.AddRange((await File.ReadAllLinesAsync(list.FullName, cancellationToken).ConfigureAwait(false)).Select(l => l.Trim()).Where(l => l.Length > 0));
                }
                catch (IOException e)
                {
                    await environment.Error.WriteLineAsync($"Cannot read '{list}': {e.Message}").ConfigureAwait(false);
                    return CliApp.UsageError;
                }
            }

            if (all.Count == 0)
            {
                await environment.Error.WriteLineAsync("Name the devices: ids as arguments or --ids-file.").ConfigureAwait(false);
                return CliApp.UsageError;
            }

            return await ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            {
                var target = parseResult.GetValue(output)!;
                var lines = parseResult.GetValue(group) is { } groupId
                    ? await DerivedCredentialsAsync(client, groupId, all, cancellationToken).ConfigureAwait(false)
                    : await DeviceCredentialsAsync(client, all, cancellationToken).ConfigureAwait(false);
                if (!lines.IsSuccess)
                {
                    return await FailAsync(lines.Failure!, environment).ConfigureAwait(false);
                }

                if (target == "-")
                {
                    await environment.Output.WriteAsync(lines.Csv).ConfigureAwait(false);
                    return 0;
                }

                await WriteAsync(new FileInfo(target), lines.Csv!, cancellationToken).ConfigureAwait(false);
                await environment.Output.WriteLineAsync($"Wrote credentials of {Count(all.Count)} devices to {Path.GetFullPath(target)}.").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<List<DeviceRegistration>?> ReadRowsAsync(FileInfo file, CliEnvironment environment)
    {
        try
        {
            var text = await File.ReadAllTextAsync(file.FullName).ConfigureAwait(false);
            if (text.TrimStart().StartsWith('['))
            {
                return JsonSerializer.Deserialize<List<DeviceRegistration>>(text, Web) ?? [];
            }

            var parsed = DeviceImport.ParseCsv(text);
            if (parsed.IsSuccess)
            {
                return [.. parsed.Value!];
            }

            await environment.Error.WriteLineAsync($"{file.Name}: {parsed.Error!.Detail} ({parsed.Error.Field})").ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            await environment.Error.WriteLineAsync($"Cannot read '{file}': {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    private static Task Progress(TextWriter error, int done, int total)
    {
        const int Width = 30;
        var filled = total == 0 ? Width : done * Width / total;
        return error.WriteAsync($"\r[{new string('#', filled)}{new string('-', Width - filled)}] {Count(done)}/{Count(total)} rows");
    }

    private static async Task SummarizeAsync(List<JsonNode> results, TextWriter output)
    {
        int Of(string status) => results.Count(r => (string?)r["status"] == status);
        await TextTable.WriteAsync(output, ["CREATED", "EXISTING", "INVALID", "TOTAL"],
            [[Count(Of(DeviceImport.Created)), Count(Of(DeviceImport.Exists)), Count(Of(DeviceImport.Invalid)), Count(results.Count)]]).ConfigureAwait(false);
        var invalid = results.Where(r => (string?)r["status"] == DeviceImport.Invalid).ToList();
        if (invalid.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await TextTable.WriteAsync(output, ["ROW", "ID", "FIELD", "PROBLEM"], invalid.Take(20).Select(r => (IReadOnlyList<string>)
                [Count((int)r["row"]!), (string?)r["deviceId"] ?? "", (string?)r["field"] ?? "", (string?)r["message"] ?? ""])).ConfigureAwait(false);
            if (invalid.Count > 20)
            {
                await output.WriteLineAsync($"… and {Count(invalid.Count - 20)} more invalid rows.").ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> WriteCredentialsAsync(ManagementClient client, List<string> ids, FileInfo target, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var lines = await DeviceCredentialsAsync(client, ids, cancellationToken).ConfigureAwait(false);
        if (!lines.IsSuccess)
        {
            return await FailAsync(lines.Failure!, environment).ConfigureAwait(false);
        }

        await WriteAsync(target, lines.Csv!, cancellationToken).ConfigureAwait(false);
        await environment.Output.WriteLineAsync($"Wrote credentials of {Count(ids.Count)} devices to {target.FullName}.").ConfigureAwait(false);
        return 0;
    }

    private static async Task<CredentialLines> DeviceCredentialsAsync(ManagementClient client, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder(string.Join(',', CredentialFields) + "\n");
        foreach (var part in ids.Chunk(DeviceImport.MaxRows))
        {
            var response = await client.PostAsync("api/devices/credentials", new { deviceIds = part }, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return new CredentialLines(null, response);
            }

            foreach (var device in response.Body!.AsArray())
            {
                csv.AppendJoin(',', CredentialFields.Select(f => Csv((string?)device![f]))).Append('\n');
            }
        }

        return new CredentialLines(csv.ToString(), null);
    }

    private static async Task<CredentialLines> DerivedCredentialsAsync(ManagementClient client, string groupId, IReadOnlyList<string> registrationIds, CancellationToken cancellationToken)
    {
        var response = await client.GetAsync($"api/enrollment-groups/{Uri.EscapeDataString(groupId)}/credentials", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return new CredentialLines(null, response);
        }

        var group = response.Body!;
        var csv = new StringBuilder("registrationId,idScope,provisioningHost,primaryKey,secondaryKey\n");
        foreach (var id in registrationIds)
        {
            csv.AppendJoin(',', Csv(id), Csv((string?)group["idScope"]), Csv((string?)group["provisioningHostName"]),
                DpsKeys.DeriveDeviceKey((string)group["primaryKey"]!, id), DpsKeys.DeriveDeviceKey((string)group["secondaryKey"]!, id)).Append('\n');
        }

        return new CredentialLines(csv.ToString(), null);
    }

    private static Task<int> WriteAsync(FileInfo target, string text, CancellationToken cancellationToken) =>
        OwnerOnlyFile.WriteAsync(target, async stream =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
            return text.Length;
        });

    private sealed record CredentialLines(string? Csv, ApiResponse? Failure)
    {
        public bool IsSuccess => Failure is null;
    }
}
