using System.CommandLine;
using System.Text.Json.Nodes;

namespace IoMT.Cli;

/// <summary>The options of <c>iomt patients set</c> and how each changes the request body.</summary>
internal static partial class PatientsCommand
{
    private sealed class ProfileOptions
    {
        public Option<string> Name { get; } = new("--name") { Description = "Display name, e.g. \"Ada Lovelace\"." };

        public Option<string> BirthDate { get; } = new("--birth-date") { Description = "Date of birth, yyyy-MM-dd." };

        public Option<string> Mrn { get; } = new("--mrn") { Description = "Medical record number as SYSTEM|VALUE (type MR), e.g. https://hospital.example/mrn|MRN-0012." };

        public Option<string[]> Identifier { get; } = new("--identifier") { Description = "An identifier as SYSTEM|VALUE[|TYPE]; replaces the one of the same system. Repeatable." };

        public Option<string> Ward { get; } = new("--ward") { Description = "Ward (the patient is no longer at home)." };

        public Option<string> Room { get; } = new("--room") { Description = "Room on the ward." };

        public Option<string> Bed { get; } = new("--bed") { Description = "Bed in the room." };

        public Option<bool> Home { get; } = new("--home") { Description = "The patient is monitored at home (no ward, room or bed)." };

        public Option<string[]> CareTeam { get; } = new("--care-team") { Description = "Care teams (replace the current ones). Repeatable or comma-separated." };

        public Option<string[]> Caregiver { get; } = new("--caregiver")
        {
            Description = "A caregiver as NAME|RELATION|EMAIL|SMS[|WEBHOOK] (empty parts allowed, e.g. \"Grace Hopper|daughter||+447700900123\"); the given caregivers replace the current ones. Repeatable.",
        };

        public IEnumerable<Option> All => [Name, BirthDate, Mrn, Identifier, Ward, Room, Bed, Home, CareTeam, Caregiver];

        public JsonObject Apply(ParseResult parseResult, JsonObject body)
        {
            Set(body, "displayName", parseResult.GetValue(Name));
            Set(body, "birthDate", parseResult.GetValue(BirthDate));
            var identifiers = (parseResult.GetValue(Identifier) ?? []).Select(i => i.Split('|')).ToList();
            if (parseResult.GetValue(Mrn) is { } mrn)
            {
                identifiers.Add([.. mrn.Split('|', 2), "MR"]);
            }

            if (identifiers.Count > 0)
            {
                var kept = (body["identifiers"]?.AsArray() ?? []).Where(i => identifiers.All(n => n[0] != (string?)i!["system"])).Select(i => i!.DeepClone());
                body["identifiers"] = new JsonArray([.. kept, .. identifiers.Select(parts => Parts(parts, "system", "value", "type"))]);
            }

            if (parseResult.GetValue(Home))
            {
                body["location"] = new JsonObject { ["home"] = true };
            }
            else if (new[] { Ward, Room, Bed }.Any(o => Given(parseResult, o)))
            {
                var location = body["location"] is JsonObject current && (bool?)current["home"] != true ? (JsonObject)current.DeepClone() : new JsonObject();
                location.Remove("home");
                Set(location, "ward", parseResult.GetValue(Ward));
                Set(location, "room", parseResult.GetValue(Room));
                Set(location, "bed", parseResult.GetValue(Bed));
                body["location"] = location;
            }

            if (Given(parseResult, CareTeam) && parseResult.GetValue(CareTeam) is { } teams)
            {
                body["careTeams"] = new JsonArray([.. teams.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(t => JsonValue.Create(t))]);
            }

            if (Given(parseResult, Caregiver) && parseResult.GetValue(Caregiver) is { } caregivers)
            {
                var others = (body["contacts"]?.AsArray() ?? []).Where(c => (bool?)c!["caregiver"] != true).Select(c => c!.DeepClone());
                body["contacts"] = new JsonArray([.. others, .. caregivers.Select(c =>
                {
                    var contact = Parts(c.Split('|'), "name", "relation", "email", "sms", "webhook");
                    contact["caregiver"] = true;
                    return contact;
                })]);
            }

            return body;
        }

        /// <summary>The non-empty parts under their names, in order.</summary>
        private static JsonObject Parts(string[] parts, params string[] names)
        {
            var json = new JsonObject();
            for (var i = 0; i < Math.Min(parts.Length, names.Length); i++)
            {
                Set(json, names[i], parts[i].Trim() is { Length: > 0 } part ? part : null);
            }

            return json;
        }
    }

    private sealed class SettingsOptions
    {
        public Option<int?> Spo2Scale { get; } = new("--spo2-scale") { Description = "NEWS2 SpO2 scale: 1, or 2 for a prescribed 88–92 % target (hypercapnic respiratory failure)." };

        public Option<string[]> Limit { get; } = new("--limit") { Description = "An alert limit override as RULE.FIELD=VALUE (raiseAt, clearAt, sustainForSeconds, priority, enabled), e.g. spo2-low.raiseAt=85; RULE=default drops the rule's override. Repeatable." };

        public Option<double?> BestPeakFlow { get; } = new("--best-peak-flow") { Description = "Personal best peak flow, L/min." };

        public Option<double?> BestFev1 { get; } = new("--best-fev1") { Description = "Personal best FEV1, L." };

        public Option<double?> DryWeight { get; } = new("--dry-weight") { Description = "Dry weight, kg." };

        public Option<double?> WeightGainDay { get; } = new("--weight-gain-day") { Description = "Weight-gain limit over about a day, kg." };

        public Option<double?> WeightGainWeek { get; } = new("--weight-gain-week") { Description = "Weight-gain limit over about a week, kg." };

        public Option<string> Reason { get; } = new("--reason") { Description = "Why the settings change (required with any settings option; recorded with the change)." };

        /// <summary>The settings options; <see cref="Reason"/> alone changes nothing.</summary>
        public IEnumerable<Option> All => [Spo2Scale, Limit, BestPeakFlow, BestFev1, DryWeight, WeightGainDay, WeightGainWeek];

        public JsonObject Apply(ParseResult parseResult, JsonObject body, Dictionary<string, JsonObject?> limits)
        {
            Set(body, "spo2Scale", parseResult.GetValue(Spo2Scale));
            var overrides = Child(body, "limits");
            foreach (var (rule, fields) in limits)
            {
                if (fields is null)
                {
                    overrides.Remove(rule);
                    continue;
                }

                var entry = Child(overrides, rule);
                foreach (var (field, value) in fields)
                {
                    entry[field] = value!.DeepClone();
                }
            }

            var baselines = Child(body, "baselines");
            Set(baselines, "bestPeakFlow", parseResult.GetValue(BestPeakFlow));
            Set(baselines, "bestFev1", parseResult.GetValue(BestFev1));
            Set(baselines, "dryWeight", parseResult.GetValue(DryWeight));
            if (parseResult.GetValue(WeightGainDay) is not null || parseResult.GetValue(WeightGainWeek) is not null)
            {
                var gain = body["weightGain"] as JsonObject ?? (JsonObject)(body["weightGain"] = new JsonObject { ["enabled"] = true });
                Set(gain, "dayKg", parseResult.GetValue(WeightGainDay));
                Set(gain, "weekKg", parseResult.GetValue(WeightGainWeek));
            }

            body["reason"] = parseResult.GetValue(Reason);
            return body;
        }
    }

    /// <summary>The object member <paramref name="name"/> of <paramref name="parent"/>, added empty when missing.</summary>
    private static JsonObject Child(JsonObject parent, string name) => parent[name] as JsonObject ?? (JsonObject)(parent[name] = new JsonObject());

    private static void Set<T>(JsonObject json, string name, T? value)
    {
        if (value is not null)
        {
            json[name] = JsonValue.Create(value);
        }
    }
}
