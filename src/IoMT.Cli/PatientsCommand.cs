using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using static IoMT.Cli.ApiAnswers;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt patients show|set</c>: a patient's profile (identity, location, care teams, contacts) and clinical settings
/// (SpO2 scale, alert limits, personal baselines, weight-gain limits) through the management API. The profile is an
/// admin's to set, the settings a physician's of the patient's care teams.
/// </summary>
internal static partial class PatientsCommand
{
    private static readonly string[] Channels = ["email", "sms", "webhook"];

    public static Command Create(CliEnvironment environment) => new("patients", "Show and set patients' profiles and clinical settings.")
    {
        Show(environment),
        Set(environment),
    };

    private static Command Show(CliEnvironment environment)
    {
        var (api, token, id) = (ApiOptions.Api(), ApiOptions.Token(), PatientArgument());
        var json = new Option<bool>("--json") { Description = "One JSON object, {\"patient\": …, \"settings\": …}, instead of tables." };
        var command = new Command("show", "Show a patient's profile, clinical settings and effective alert rules.") { id, json, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var path = PatientPath(parseResult.GetValue(id)!);
            var patient = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (!patient.IsSuccess)
            {
                return await FailAsync(patient, environment).ConfigureAwait(false);
            }

            var settings = await client.GetAsync($"{path}/settings", cancellationToken).ConfigureAwait(false);
            if (!settings.IsSuccess)
            {
                return await FailAsync(settings, environment).ConfigureAwait(false);
            }

            if (parseResult.GetValue(json))
            {
                await environment.Output.WriteLineAsync(new JsonObject { ["patient"] = patient.Body!.DeepClone(), ["settings"] = settings.Body!.DeepClone() }.ToJsonString())
                    .ConfigureAwait(false);
                return 0;
            }

            await TextTable.WriteAsync(environment.Output, ["FIELD", "VALUE"], [.. Describe(patient.Body!, settings.Body!)]).ConfigureAwait(false);
            await environment.Output.WriteLineAsync().ConfigureAwait(false);
            await TextTable.WriteAsync(environment.Output, ["RULE", "DIRECTION", "RAISE AT", "CLEAR AT", "PRIORITY", "ENABLED", "OVERRIDDEN"],
                [.. (settings.Body!["effectiveRules"]?.AsArray() ?? []).Select(r => (IReadOnlyList<string>)
                [
                    Text(r!["id"]), Text(r["direction"]), Text(r["raiseAt"]), Text(r["clearAt"]), Text(r["priority"]),
                    (bool?)r["enabled"] == false ? "no" : "yes", (bool?)r["overridden"] == true ? "yes" : "",
                ])]).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>The profile and settings as FIELD/VALUE rows; what is not set shows as <c>-</c>.</summary>
    private static IEnumerable<IReadOnlyList<string>> Describe(JsonNode patient, JsonNode settings)
    {
        yield return ["id", Text(patient["id"])];
        yield return ["name", Text(patient["displayName"])];
        yield return ["birth date", Text(patient["birthDate"])];
        foreach (var identifier in patient["identifiers"]?.AsArray() ?? [])
        {
            yield return ["identifier", $"{identifier!["system"]}|{identifier["value"]}{(identifier["type"] is { } type ? $" ({type})" : "")}"];
        }

        yield return ["location", Location(patient["location"])];
        yield return ["care teams", string.Join(", ", (patient["careTeams"]?.AsArray() ?? []).Select(Text))];
        foreach (var contact in patient["contacts"]?.AsArray() ?? [])
        {
            var reach = Channels.Select(k => contact![k] is { } v ? $"{k} {v}" : null).OfType<string>();
            yield return [(bool?)contact!["caregiver"] == true ? "caregiver" : "contact", $"{contact["name"]} ({contact["relation"]}){(reach.Any() ? ": " + string.Join(", ", reach) : "")}"];
        }

        yield return ["spo2 scale", Text(settings["spo2Scale"])];
        var baselines = settings["baselines"];
        yield return ["best peak flow", Unit(baselines?["bestPeakFlow"], "L/min")];
        yield return ["best fev1", Unit(baselines?["bestFev1"], "L")];
        yield return ["dry weight", Unit(baselines?["dryWeight"], "kg")];
        var gain = settings["weightGain"];
        yield return ["weight gain", gain is null ? "-" : $"{Unit(gain["dayKg"], "kg")} a day, {Unit(gain["weekKg"], "kg")} a week{((bool?)gain["enabled"] == false ? ", disabled" : "")}"];
        yield return ["settings changed", settings["changedAt"] is null ? "-" : $"{Text(settings["changedAt"])} by {Text(settings["changedBy"])}: {Text(settings["reason"])}"];
    }

    private static string Location(JsonNode? location) => location switch
    {
        null => "-",
        _ when (bool?)location["home"] == true => "home",
        _ => string.Join(", ", new[] { ("ward", location["ward"]), ("room", location["room"]), ("bed", location["bed"]) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}")),
    };

    private static string Unit(JsonNode? value, string unit) => value is null ? "-" : $"{Text(value)} {unit}";

    private static string Text(JsonNode? value) => value switch
    {
        null => "-",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    private static string PatientPath(string patientId) => $"api/patients/{Uri.EscapeDataString(patientId)}";

    private static Argument<string> PatientArgument() => new("ID") { Description = "Patient id." };
}
