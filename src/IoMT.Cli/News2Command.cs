using System.CommandLine;
using System.Text.Json;
using IoMT.Core.Enrichment;
using IoMT.Core.Telemetry;
using IoMT.Core.Validation;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt news2 FILE|-</c>: scores one JSON object per line
/// (<c>respiratoryRate, spo2, spo2Scale, onOxygen, systolic, pulse, consciousness, temperature</c>) and writes
/// <c>{"total","scores","singleParameter3","band","complete"}</c>, or <c>{"error":{"code","pointer","message"}}</c>.
/// Missing parameters score null and make the result incomplete (its total is then a lower bound).
/// </summary>
internal static class News2Command
{
    public static Command Create(CliEnvironment environment)
    {
        var file = InputFiles.Argument("Observation sets, one JSON object per line.");
        var command = new Command("news2", "Compute NEWS2 (RCP 2017) for each line of observations.") { file };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var input = InputFiles.Open(parseResult.GetRequiredValue(file), environment);
            if (input is null)
            {
                return CliApp.UsageError;
            }

            while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                object report = TryReadInput(line, out var observations, out var error)
                    ? Report(News2.Score(observations))
                    : new ErrorReport(error!);
                await environment.Output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Options)).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static News2Report Report(News2Result result) => new(
        result.Total,
        new ScoresReport(result.Scores.RespiratoryRate, result.Scores.Spo2, result.Scores.OnOxygen, result.Scores.Systolic,
            result.Scores.Pulse, result.Scores.Consciousness, result.Scores.Temperature),
        result.SingleParameter3,
        result.Band switch
        {
            News2Band.Low => "low",
            News2Band.LowMedium => "low-medium",
            News2Band.Medium => "medium",
            _ => "high",
        },
        result.Complete);

    private static bool TryReadInput(string line, out News2Input input, out ValidationError? error)
    {
        input = default;
        error = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new ValidationError(ErrorCodes.SchemaType, "", "Each line must be a JSON object.");
                return false;
            }

            var spo2Scale = 1;
            if (root.TryGetProperty("spo2Scale", out var scale) && !(scale.ValueKind == JsonValueKind.Number && scale.TryGetInt32(out spo2Scale) && spo2Scale is 1 or 2))
            {
                error = new ValidationError(ErrorCodes.ValueInvalid, "/spo2Scale", "'spo2Scale' must be 1 or 2.");
                return false;
            }

            bool? onOxygen = null;
            if (root.TryGetProperty("onOxygen", out var oxygen))
            {
                if (oxygen.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = new ValidationError(ErrorCodes.SchemaType, "/onOxygen", "'onOxygen' must be true or false.");
                    return false;
                }

                onOxygen = oxygen.GetBoolean();
            }

            string? consciousness = null;
            if (root.TryGetProperty("consciousness", out var level))
            {
                consciousness = level.ValueKind == JsonValueKind.String ? level.GetString() : null;
                if (consciousness is null || !Acvpu.All.Contains(consciousness))
                {
                    error = new ValidationError(ErrorCodes.ValueInvalid, "/consciousness", "'consciousness' must be one of A, C, V, P, U.");
                    return false;
                }
            }

            var ok = TryNumber(root, "respiratoryRate", ReadingKinds.Get(ReadingKind.RespiratoryRate).Range!.Value, out var respiratoryRate, ref error)
                & TryNumber(root, "spo2", ReadingKinds.Get(ReadingKind.Spo2).Range!.Value, out var spo2, ref error)
                & TryNumber(root, "systolic", ReadingKinds.Systolic, out var systolic, ref error)
                & TryNumber(root, "pulse", ReadingKinds.Get(ReadingKind.HeartRate).Range!.Value, out var pulse, ref error)
                & TryNumber(root, "temperature", ReadingKinds.Get(ReadingKind.BodyTemperature).Range!.Value, out var temperature, ref error);
            input = new News2Input(respiratoryRate, spo2, spo2Scale, onOxygen, systolic, pulse, consciousness, temperature);
            return ok;
        }
        catch (JsonException e)
        {
            error = new ValidationError(ErrorCodes.JsonMalformed, "", $"The line is not valid JSON: {e.Message}");
            return false;
        }
    }

    /// <summary>Reads an optional number within its plausible range; keeps the first error.</summary>
    private static bool TryNumber(JsonElement root, string name, PlausibleRange range, out double? value, ref ValidationError? error)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number))
        {
            error ??= new ValidationError(ErrorCodes.SchemaType, "/" + name, $"'{name}' must be a number.");
            return false;
        }

        if (!range.Contains(number))
        {
            error ??= new ValidationError(ErrorCodes.ValueOutOfRange, "/" + name, $"'{name}' {number} is outside the plausible range {range}.");
            return false;
        }

        value = number;
        return true;
    }

    private sealed record News2Report(int Total, ScoresReport Scores, bool SingleParameter3, string Band, bool Complete);

    private sealed record ScoresReport(int? RespiratoryRate, int? Spo2, int? OnOxygen, int? Systolic, int? Pulse, int? Consciousness, int? Temperature);

    private sealed record ErrorReport(ValidationError Error);
}
