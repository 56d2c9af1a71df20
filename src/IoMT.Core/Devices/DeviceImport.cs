using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>The outcome of one import row: <c>created</c>, <c>exists</c> (left as it was) or <c>invalid</c> (with why).</summary>
public sealed record ImportRowResult(int Row, string? DeviceId, string Status, string? Code = null, string? Field = null, string? Message = null);

public sealed record ImportSummary(int Created, int Existing, int Invalid, IReadOnlyList<ImportRowResult> Rows);

/// <summary>
/// Bulk registration: every row is validated and created on its own, so one bad row does not stop the others; a row
/// whose device exists is left as it is, so importing the same file again changes nothing and an interrupted import
/// continues where it stopped.
/// </summary>
public static class DeviceImport
{
    /// <summary>Rows per request; the CLI sends larger files in chunks.</summary>
    public const int MaxRows = 5000;

    public const string Created = "created";
    public const string Exists = "exists";
    public const string Invalid = "invalid";

    /// <summary>The CSV columns, in any order; <c>kinds</c> separates kinds with <c>;</c>.</summary>
    public static readonly IReadOnlyList<string> Columns =
        [
            "id", "manufacturer", "model", "kinds", "serialNumber", "firmware", "status", "primaryKey", "secondaryKey", "primaryThumbprint",
            "secondaryThumbprint", "reportingIntervalSeconds",
        ];

    /// <summary>
    /// Reads CSV (RFC 4180: a header row naming <see cref="Columns"/>, quoted fields may hold commas, quotes and line
    /// breaks). A row that cannot be read becomes an invalid result instead of stopping the file.
    /// </summary>
    public static ApiResult<IReadOnlyList<DeviceRegistration>> ParseCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = Csv.Read(text);
        if (records.Count == 0)
        {
            return ApiError.InvalidBody("/header", $"The CSV needs a header row naming its columns: {string.Join(',', Columns)}.");
        }

        var header = records[0];
        for (var i = 0; i < header.Count; i++)
        {
            if (!Columns.Contains(header[i]) || header.Take(i).Contains(header[i]))
            {
                return ApiError.InvalidBody($"/header/{i}", $"Column '{header[i]}' is unknown or repeated; columns are {string.Join(',', Columns)}.");
            }
        }

        var rows = new List<DeviceRegistration>(records.Count - 1);
        foreach (var record in records.Skip(1))
        {
            string? Cell(string column)
            {
                var index = header.IndexOf(column);
                return index >= 0 && index < record.Count && record[index].Length > 0 ? record[index] : null;
            }

            var type = Cell("primaryThumbprint") is not null ? "x509" : null;
            rows.Add(new DeviceRegistration
            {
                Id = Cell("id"),
                Manufacturer = Cell("manufacturer"),
                Model = Cell("model"),
                Kinds = Cell("kinds")?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                SerialNumber = Cell("serialNumber"),
                Firmware = Cell("firmware"),
                Status = Cell("status"),
                ReportingIntervalSeconds = Cell("reportingIntervalSeconds") is { } interval ? Seconds(interval) : null,
                Authentication = new DeviceAuthenticationInput(type, Cell("primaryKey"), Cell("secondaryKey"), Cell("primaryThumbprint"), Cell("secondaryThumbprint")),
            });
        }

        return rows;
    }

    /// <summary>A whole number of seconds; anything else becomes −1, which validation names as out of range.</summary>
    private static int Seconds(string cell) =>
        int.TryParse(cell, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : -1;

    /// <summary>Validates every row, then creates the valid ones that do not exist yet, in one write.</summary>
    internal static async Task<ImportSummary> RunAsync(
        IDeviceRegistry registry, Caller caller, IReadOnlyList<DeviceRegistration> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var results = new ImportRowResult[rows.Count];
        var valid = new List<(int Index, DeviceRecord Device)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var validated = DeviceRegistrations.Validate(rows[i], caller, now, $"/{i}");
            if (!validated.IsSuccess)
            {
                var error = validated.Error!;
                results[i] = new ImportRowResult(i + 1, rows[i].Id, Invalid, error.Code, error.Field, error.Detail);
            }
            else if (!ids.Add(validated.Value!.Id))
            {
                results[i] = new ImportRowResult(i + 1, rows[i].Id, Invalid, ApiError.BodyInvalid, $"/{i}/id", "The same id appears in an earlier row.");
            }
            else
            {
                valid.Add((i, validated.Value!));
            }
        }

        var created = await registry.CreateAsync([.. valid.Select(v => v.Device)], caller.Id, cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < valid.Count; j++)
        {
            results[valid[j].Index] = new ImportRowResult(valid[j].Index + 1, valid[j].Device.Id, created[j] ? Created : Exists);
        }

        return new ImportSummary(results.Count(r => r.Status == Created), results.Count(r => r.Status == Exists), results.Count(r => r.Status == Invalid), results);
    }
}

/// <summary>Minimal RFC 4180 reader: records of fields; quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class Csv
{
    public static List<List<string>> Read(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        var fieldStarted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = fieldStarted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString().Trim());
                field.Clear();
                fieldStarted = true;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRecord();
            }
            else
            {
                field.Append(c);
                fieldStarted = true;
            }
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || record.Count > 0)
            {
                record.Add(field.ToString().Trim());
                records.Add(record);
            }

            record = [];
            field.Clear();
            fieldStarted = false;
        }
    }
}
