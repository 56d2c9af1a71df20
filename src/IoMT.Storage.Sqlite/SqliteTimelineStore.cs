using System.Globalization;
using IoMT.Core.Timeline;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Timelines in a SQLite file. Rows are clustered by (patient, time, id), so a patient's time range is one ordered
/// scan; a unique index on id makes appends idempotent upserts; a second index serves latest values and aggregates
/// per code. One transaction per append; readers run concurrently with the writer (WAL).
/// </summary>
public sealed class SqliteTimelineStore : ITimelineStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE timeline (
                patient_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                id TEXT NOT NULL,
                offset_minutes INTEGER NOT NULL,
                type INTEGER NOT NULL,
                code TEXT NOT NULL,
                value REAL,
                value2 REAL,
                device_id TEXT,
                data TEXT NOT NULL,
                PRIMARY KEY (patient_id, at, id)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX timeline_id ON timeline (id);
            CREATE INDEX timeline_code ON timeline (patient_id, type, code, at);
            """),
    ];

    private const string Columns = "patient_id, at, id, offset_minutes, type, code, value, value2, device_id, data";

    private readonly SqliteDatabase _database;

    public SqliteTimelineStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Normal);
    }

    public Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        return _database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO timeline ({Columns}) VALUES ($patient, $at, $id, $offset, $type, $code, $value, $value2, $device, $data)
                ON CONFLICT (id) DO UPDATE SET patient_id = excluded.patient_id, at = excluded.at, offset_minutes = excluded.offset_minutes,
                    type = excluded.type, code = excluded.code, value = excluded.value, value2 = excluded.value2,
                    device_id = excluded.device_id, data = excluded.data
                """;
            var patient = command.Parameters.Add("$patient", SqliteType.Text);
            var at = command.Parameters.Add("$at", SqliteType.Integer);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var offset = command.Parameters.Add("$offset", SqliteType.Integer);
            var type = command.Parameters.Add("$type", SqliteType.Integer);
            var code = command.Parameters.Add("$code", SqliteType.Text);
            var value = command.Parameters.Add("$value", SqliteType.Real);
            var value2 = command.Parameters.Add("$value2", SqliteType.Real);
            var device = command.Parameters.Add("$device", SqliteType.Text);
            var data = command.Parameters.Add("$data", SqliteType.Text);
            command.Prepare();
            foreach (var record in records)
            {
                patient.Value = record.PatientId;
                at.Value = record.At.UtcTicks;
                id.Value = record.Id;
                offset.Value = (int)record.At.Offset.TotalMinutes;
                type.Value = (int)record.Type;
                code.Value = record.Code;
                value.Value = (object?)record.Value ?? DBNull.Value;
                value2.Value = (object?)record.Value2 ?? DBNull.Value;
                device.Value = (object?)record.DeviceId ?? DBNull.Value;
                data.Value = record.Data;
                command.ExecuteNonQuery();
            }

            return records.Count;
        }, durable: records.Any(r => !r.Type.IsRebuildable()), cancellationToken);
    }

    public Task<TimelinePage> QueryAsync(TimelineQuery query, CancellationToken cancellationToken = default)
    {
        TimelineQueries.Validate(query);
        var after = ContinuationToken.From(query);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        var sql = new System.Text.StringBuilder($"SELECT {Columns} FROM timeline WHERE patient_id = $patient AND at >= $from AND at < $to");
        command.Parameters.AddWithValue("$patient", query.PatientId);
        command.Parameters.AddWithValue("$from", query.From.UtcTicks);
        command.Parameters.AddWithValue("$to", query.To.UtcTicks);
        AppendIn(command, sql, "type", "$type", query.Types?.Select(t => (object)(int)t));
        AppendIn(command, sql, "code", "$code", query.Codes?.Select(c => (object)c));
        if (after is { } token)
        {
            sql.Append(" AND (at > $afterAt OR (at = $afterAt AND id > $afterId))");
            command.Parameters.AddWithValue("$afterAt", token.AtUtcTicks);
            command.Parameters.AddWithValue("$afterId", token.Id);
        }

        sql.Append(" ORDER BY at, id LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        command.CommandText = sql.ToString();
        var items = ReadAll(command);
        var more = items.Count > query.PageSize;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return Task.FromResult(new TimelinePage(items, more ? ContinuationToken.After(items[^1]).ToString() : null));
    }

    public Task<IReadOnlyList<TimelineRecord>> LatestAsync(string patientId, TimelineEntryType type, IReadOnlyCollection<string> codes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codes);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM timeline WHERE patient_id = $patient AND type = $type AND code = $code ORDER BY at DESC, id DESC LIMIT 1";
        command.Parameters.AddWithValue("$patient", patientId);
        command.Parameters.AddWithValue("$type", (int)type);
        var code = command.Parameters.Add("$code", SqliteType.Text);
        var latest = new List<TimelineRecord>();
        foreach (var wanted in codes)
        {
            code.Value = wanted;
            latest.AddRange(ReadAll(command));
        }

        return Task.FromResult<IReadOnlyList<TimelineRecord>>(latest);
    }

    public Task<IReadOnlyList<AggregateBucket>> AggregateAsync(
        string patientId, TimelineEntryType type, string code, DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize,
        TimelineValue value = TimelineValue.Primary, CancellationToken cancellationToken = default)
    {
        TimelineQueries.ValidateBucket(since, until, bucketSize);
        var column = value == TimelineValue.Primary ? "value" : "value2";
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT (at - $since) / $bucket AS bucket, COUNT({column}), MIN({column}), MAX({column}), AVG({column})
            FROM timeline
            WHERE patient_id = $patient AND type = $type AND code = $code AND at >= $since AND at < $until AND {column} IS NOT NULL
            GROUP BY bucket ORDER BY bucket
            """;
        command.Parameters.AddWithValue("$patient", patientId);
        command.Parameters.AddWithValue("$type", (int)type);
        command.Parameters.AddWithValue("$code", code);
        command.Parameters.AddWithValue("$since", since.UtcTicks);
        command.Parameters.AddWithValue("$until", until.UtcTicks);
        command.Parameters.AddWithValue("$bucket", bucketSize.Ticks);
        var buckets = new List<AggregateBucket>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            buckets.Add(new AggregateBucket(since.AddTicks(reader.GetInt64(0) * bucketSize.Ticks), reader.GetInt32(1),
                reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return Task.FromResult<IReadOnlyList<AggregateBucket>>(buckets);
    }

    public Task<int> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return _database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM timeline WHERE type = $type AND at < $cutoff";
            var type = command.Parameters.Add("$type", SqliteType.Integer);
            var cutoff = command.Parameters.Add("$cutoff", SqliteType.Integer);
            var deleted = 0;
            foreach (var entryType in Enum.GetValues<TimelineEntryType>())
            {
                type.Value = (int)entryType;
                cutoff.Value = (now - policy.For(entryType)).UtcTicks;
                deleted += command.ExecuteNonQuery();
            }

            return deleted;
        }, cancellationToken: cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private static void AppendIn(SqliteCommand command, System.Text.StringBuilder sql, string column, string prefix, IEnumerable<object>? values)
    {
        var list = values?.ToList();
        if (list is null || list.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND {column} IN (");
        for (var i = 0; i < list.Count; i++)
        {
            var name = prefix + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? name : ", " + name);
            command.Parameters.AddWithValue(name, list[i]);
        }

        sql.Append(')');
    }

    private static List<TimelineRecord> ReadAll(SqliteCommand command)
    {
        var records = new List<TimelineRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var offset = TimeSpan.FromMinutes(reader.GetInt32(3));
            records.Add(new TimelineRecord(
                Id: reader.GetString(2),
                PatientId: reader.GetString(0),
                At: new DateTimeOffset(reader.GetInt64(1) + offset.Ticks, offset),
                Type: (TimelineEntryType)reader.GetInt32(4),
                Code: reader.GetString(5),
                Value: reader.IsDBNull(6) ? null : reader.GetDouble(6),
                Value2: reader.IsDBNull(7) ? null : reader.GetDouble(7),
                DeviceId: reader.IsDBNull(8) ? null : reader.GetString(8),
                Data: reader.GetString(9)));
        }

        return records;
    }
}
