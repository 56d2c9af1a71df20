using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using IoMT.Client;
using static IoMT.Cli.ApiAnswers;

namespace IoMT.Cli;

/// <summary><c>iomt patients set</c>: reads the patient's profile and settings, changes what the options give, and saves each that changed.</summary>
internal static partial class PatientsCommand
{
    private static readonly string[] LimitFields = ["raiseAt", "clearAt", "sustainForSeconds", "priority", "enabled"];

    private static Command Set(CliEnvironment environment)
    {
        var (api, token, id) = (ApiOptions.Api(), ApiOptions.Token(), PatientArgument());
        var profile = new ProfileOptions();
        var settings = new SettingsOptions();
        var command = new Command("set", "Change a patient's profile (admins) or clinical settings (physicians of their care teams); what is not given stays as it is.") { id };
        foreach (var option in profile.All.Concat(settings.All).Append(settings.Reason).Append(api).Append(token))
        {
            command.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var (changesProfile, changesSettings) = (profile.All.Any(o => Given(parseResult, o)), settings.All.Any(o => Given(parseResult, o)));
            var usage = !changesProfile && !changesSettings ? "Nothing to set: give profile or settings options (iomt patients set --help)."
                : parseResult.GetValue(profile.Home) && new Option[] { profile.Ward, profile.Room, profile.Bed }.Any(o => Given(parseResult, o)) ? "--home leaves no ward, room or bed."
                : changesSettings && parseResult.GetValue(settings.Reason) is null ? "--reason is required when changing clinical settings: it is recorded with the change."
                : null;
            var limits = ParseLimits(parseResult.GetValue(settings.Limit) ?? [], ref usage);
            if (usage is not null)
            {
                await environment.Error.WriteLineAsync(usage).ConfigureAwait(false);
                return CliApp.UsageError;
            }

            return await ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            {
                var path = PatientPath(parseResult.GetValue(id)!);
                if (changesProfile && await SaveAsync(client, path, environment, "profile", current => profile.Apply(parseResult, ProfileBody(current)), cancellationToken)
                    .ConfigureAwait(false) is not 0 and var failed)
                {
                    return failed;
                }

                return changesSettings
                    ? await SaveAsync(client, $"{path}/settings", environment, "clinical settings", current => settings.Apply(parseResult, SettingsBody(current), limits), cancellationToken)
                        .ConfigureAwait(false)
                    : 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Whether the command line gave <paramref name="option"/> (an array option not given still has an empty value).</summary>
    private static bool Given(ParseResult parseResult, Option option) => parseResult.GetResult(option) is { Implicit: false };

    /// <summary>Reads the resource at <paramref name="path"/>, saves what <paramref name="change"/> makes of it, and says so.</summary>
    private static async Task<int> SaveAsync(
        ManagementClient client, string path, CliEnvironment environment, string what, Func<JsonObject?, JsonObject> change, CancellationToken cancellationToken)
    {
        var current = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess && current.Code != "patient.not-found")
        {
            return await FailAsync(current, environment).ConfigureAwait(false);
        }

        var saved = await client.PutAsync(path, change(current.IsSuccess ? current.Body as JsonObject : null), cancellationToken).ConfigureAwait(false);
        return await ReportAsync(saved, environment, _ => $"Saved the {what} of {Uri.UnescapeDataString(path.Split('/')[2])}.").ConfigureAwait(false);
    }

    /// <summary>The members of a patient record that <c>PUT /api/patients/{id}</c> takes; a new patient starts with none.</summary>
    private static JsonObject ProfileBody(JsonObject? current) => Pick(current, "careTeams", "displayName", "birthDate", "identifiers", "location", "contacts");

    /// <summary>The members of the settings that <c>PUT …/settings</c> takes (not the effective rules nor the last change).</summary>
    private static JsonObject SettingsBody(JsonObject? current) => Pick(current, "spo2Scale", "limits", "baselines", "weightGain");

    private static JsonObject Pick(JsonObject? current, params string[] names)
    {
        var body = new JsonObject();
        foreach (var name in names)
        {
            if (WithoutNulls(current?[name]) is { } value)
            {
                body[name] = value;
            }
        }

        return body;
    }

    /// <summary>A copy without null members: the API reads a missing member and a null one alike, and leaves them out of PUTs.</summary>
    private static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        _ => node.DeepClone(),
    };

    /// <summary><c>rule.field=value</c> (fields raiseAt, clearAt, sustainForSeconds, priority, enabled) or <c>rule=default</c>, by rule.</summary>
    private static Dictionary<string, JsonObject?> ParseLimits(IEnumerable<string> limits, ref string? usage)
    {
        var parsed = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var limit in limits)
        {
            var (key, value) = limit.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq ? (limit[..eq], limit[(eq + 1)..]) : (limit, "");
            if (!key.Contains('.', StringComparison.Ordinal) && value == "default")
            {
                parsed[key] = null;
                continue;
            }

            var dot = key.LastIndexOf('.');
            var field = dot > 0 ? key[(dot + 1)..] : "";
            JsonNode? json = field switch
            {
                "raiseAt" or "clearAt" or "sustainForSeconds" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
                "enabled" when bool.TryParse(value, out var enabled) => enabled,
                "priority" when value.Length > 0 => value,
                _ => null,
            };
            if (json is null)
            {
                usage ??= $"--limit '{limit}': use RULE.FIELD=VALUE (FIELD one of {string.Join(", ", LimitFields)}) or RULE=default, e.g. spo2-low.raiseAt=85.";
                continue;
            }

            var rule = key[..dot];
            (parsed.TryGetValue(rule, out var fields) && fields is not null ? fields : parsed[rule] = new JsonObject())[field] = json;
        }

        return parsed;
    }
}
