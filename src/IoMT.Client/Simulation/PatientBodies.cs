using System.Globalization;
using System.Text.Json.Nodes;
using IoMT.Core.Patients;

namespace IoMT.Client.Simulation;

/// <summary>The management API's request bodies for a patient's profile and clinical settings (docs/api.md), fields left out when unset.</summary>
public static class PatientBodies
{
    /// <summary>The body of <c>PUT /api/patients/{id}</c>.</summary>
    public static JsonObject Profile(PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var body = new JsonObject { ["careTeams"] = new JsonArray([.. patient.CareTeams.Select(t => JsonValue.Create(t))]) };
        Set(body, "displayName", patient.DisplayName);
        Set(body, "birthDate", patient.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (patient.Identifiers.Count > 0)
        {
            body["identifiers"] = new JsonArray([.. patient.Identifiers.Select(i => Object(("system", i.System), ("value", i.Value), ("type", i.Type)))]);
        }

        if (patient.Location is { } location)
        {
            body["location"] = location.Home ? new JsonObject { ["home"] = true } : Object(("ward", location.Ward), ("room", location.Room), ("bed", location.Bed));
        }

        if (patient.Contacts.Count > 0)
        {
            body["contacts"] = new JsonArray([.. patient.Contacts.Select(c =>
            {
                var contact = Object(("name", c.Name), ("relation", c.Relation));
                contact["caregiver"] = c.Caregiver;
                Set(contact, "email", c.Email);
                Set(contact, "sms", c.Sms);
                Set(contact, "webhook", c.Webhook);
                return contact;
            })]);
        }

        return body;
    }

    /// <summary>The body of <c>PUT /api/patients/{id}/settings</c>.</summary>
    public static JsonObject Settings(ClinicalSettings settings, string reason)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var limits = new JsonObject();
        foreach (var (ruleId, limit) in settings.Limits)
        {
            var entry = new JsonObject();
            Set(entry, "raiseAt", limit.RaiseAt);
            Set(entry, "clearAt", limit.ClearAt);
            Set(entry, "sustainForSeconds", limit.SustainFor?.TotalSeconds);
            Set(entry, "priority", limit.Priority?.ToString().ToLowerInvariant());
            Set(entry, "enabled", limit.Enabled);
            limits[ruleId] = entry;
        }

        var baselines = new JsonObject();
        Set(baselines, "bestPeakFlow", settings.Baselines.BestPeakFlow);
        Set(baselines, "bestFev1", settings.Baselines.BestFev1);
        Set(baselines, "dryWeight", settings.Baselines.DryWeight);
        var body = new JsonObject { ["spo2Scale"] = settings.Spo2Scale, ["limits"] = limits, ["baselines"] = baselines };
        if (settings.WeightGain is { } weightGain)
        {
            var limitsOfGain = new JsonObject { ["enabled"] = weightGain.Enabled };
            Set(limitsOfGain, "dayKg", weightGain.DayKg);
            Set(limitsOfGain, "weekKg", weightGain.WeekKg);
            body["weightGain"] = limitsOfGain;
        }

        body["reason"] = reason;
        return body;
    }

    private static JsonObject Object(params (string Name, string? Value)[] fields)
    {
        var json = new JsonObject();
        foreach (var (name, value) in fields)
        {
            Set(json, name, value);
        }

        return json;
    }

    private static void Set<T>(JsonObject json, string name, T? value)
    {
        if (value is not null)
        {
            json[name] = JsonValue.Create(value);
        }
    }
}
