using System.Globalization;
using IoMT.Core.Timeline;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Timelines in a SQLite file. Rows are clustered by (patient, time, id), so a patient's time range is one ordered scan.
/// Each row has one more index entry, by (time, id), which lands at the end of that index, so a batch from a thousand
/// patients touches a thousand pages, not several thousand: readings, scores and alert episodes are identified by time
/// and id (both derived from the message), so a replay upserts them, and a replay after a binding fix moves them to
/// the new patient. Entries recorded once (acknowledgements, notifications…) are also unique by id alone, through a
/// small partial index, because a redelivery records them at a later time. A small table holds, per patient and code,
/// a time at most a minute before the newest entry: the search for the latest value starts there. One transaction per
/// append; readers run concurrently with the writer (WAL), and the WAL is copied into the file in the background, so
/// appends do not stop for checkpoints. Schema version 1 had a unique index on the id (random, so
/// one page per entry) and one by (patient, type, code, time); dropping them made appends 2–3× faster
/// (docs/performance.md).
/// </summary>
public sealed class SqliteTimelineStore : ITimelineStore, IDisposable
{
    /// <summary>Entry types recorded once (all after <see cref="TimelineEntryType.AlertCleared"/>); see <see cref="TimelineEntryTypes.IsRebuildable"/>.</summary>
    private const string RecordedOnce = "type > 4";

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
        new(2, $"""
            DROP INDEX timeline_id;
            DROP INDEX timeline_code;
            CREATE UNIQUE INDEX timeline_at_id ON timeline (at, id);
            CREATE UNIQUE INDEX timeline_recorded_once ON timeline (id) WHERE {RecordedOnce};
            CREATE TABLE timeline_latest (
                patient_id TEXT NOT NULL,
                type INTEGER NOT NULL,
                code TEXT NOT NULL,
                at INTEGER NOT NULL,
                PRIMARY KEY (patient_id, type, code)
            ) WITHOUT ROWID;
            INSERT INTO timeline_latest SELECT patient_id, type, code, MAX(at) FROM timeline GROUP BY patient_id, type, code;
            """),
    ];

    private const string Columns = "patient_id, at, id, offset_minutes, type, code, value, value2, device_id, data";

    private const string Insert = $"""
        INSERT INTO timeline ({Columns}) VALUES ($patient, $at, $id, $offset, $type, $code, $value, $value2, $device, $data)
        """;

    private const string Replace = """
        DO UPDATE SET patient_id = excluded.patient_id, at = excluded.at, offset_minutes = excluded.offset_minutes, type = excluded.type,
            code = excluded.code, value = excluded.value, value2 = excluded.value2, device_id = excluded.device_id, data = excluded.data
        """;

    /// <summary>How far a latest-value pointer may trail the newest entry of its code.</summary>
    private static readonly TimeSpan PointerStep = TimeSpan.FromMinutes(1);

    private readonly SqliteDatabase _database;

    // Where this writer last put each pointer (it is the file's only writer), so most appends leave pointers alone.
    private readonly Dictionary<PointerKey, long> _pointers = [];
    private long _pointerGeneration;

    public SqliteTimelineStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Normal, checkpointsInBackground: true);
    }

    public async Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var moved = new List<(PointerKey Key, long At)>();
        var generation = 0L;
        await _database.WriteAsync((connection, transaction) =>
        {
            using var derived = new EntryWriter(connection, transaction, $"{Insert} ON CONFLICT (at, id) {Replace}");
            using var recordedOnce = new EntryWriter(connection, transaction, $"{Insert} ON CONFLICT (id) WHERE {RecordedOnce} {Replace}");
            foreach (var record in records)
            {
                (record.Type.IsRebuildable() ? derived : recordedOnce).Write(record);
            }

            generation = Interlocked.Read(ref _pointerGeneration);
            MoveLatestPointers(connection, transaction, records, moved);
            return records.Count;
        }, records.Any(r => !r.Type.IsRebuildable()) ? SqliteDurability.Full : null, cancellationToken).ConfigureAwait(false);

        // Remembered only once committed, and not across a purge, which may have dropped pointers meanwhile.
        lock (_pointers)
        {
            if (generation == _pointerGeneration)
            {
                moved.ForEach(m => _pointers[m.Key] = Math.Max(m.At, _pointers.GetValueOrDefault(m.Key)));
            }
        }
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
        using var pointer = connection.CreateCommand();
        pointer.CommandText = "SELECT at FROM timeline_latest WHERE patient_id = $patient AND type = $type AND code = $code";
        using var newest = connection.CreateCommand();
        newest.CommandText = $"""
            SELECT {Columns} FROM timeline WHERE patient_id = $patient AND at >= $since AND type = $type AND code = $code ORDER BY at DESC, id DESC LIMIT 1
            """;
        var latest = new List<TimelineRecord>();
        foreach (var wanted in codes)
        {
            foreach (var command in new[] { pointer, newest })
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$patient", patientId);
                command.Parameters.AddWithValue("$type", (int)type);
                command.Parameters.AddWithValue("$code", wanted);
            }

            // A code the patient never had has no pointer and costs no search. The newest entry is at or after the
            // pointer, unless the entries there have since moved to another patient or been purged: then all is searched.
            if (pointer.ExecuteScalar() is not long since)
            {
                continue;
            }

            newest.Parameters.AddWithValue("$since", since);
            var found = ReadAll(newest);
            if (found.Count == 0)
            {
                newest.Parameters["$since"].Value = long.MinValue;
                found = ReadAll(newest);
            }

            latest.AddRange(found);
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

            // A pointer trails its newest entry by at most a step: one before the cutoff by more has nothing left to
            // point at; one within a step of it is checked.
            lock (_pointers)
            {
                _pointerGeneration++;
                _pointers.Clear();
            }

            using var pointers = connection.CreateCommand();
            pointers.Transaction = transaction;
            pointers.CommandText = """
                DELETE FROM timeline_latest WHERE type = $type AND at < $cutoff AND NOT EXISTS (
                    SELECT 1 FROM timeline t WHERE t.patient_id = timeline_latest.patient_id AND t.at >= $cutoff AND t.at <= timeline_latest.at + $step
                    AND t.type = timeline_latest.type AND t.code = timeline_latest.code)
                """;
            var pointerType = pointers.Parameters.Add("$type", SqliteType.Integer);
            var pointerCutoff = pointers.Parameters.Add("$cutoff", SqliteType.Integer);
            pointers.Parameters.AddWithValue("$step", PointerStep.Ticks);
            foreach (var entryType in Enum.GetValues<TimelineEntryType>())
            {
                pointerType.Value = (int)entryType;
                pointerCutoff.Value = (now - policy.For(entryType)).UtcTicks;
                pointers.ExecuteNonQuery();
            }

            return deleted;
        }, cancellationToken: cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Moves each (patient, type, code) pointer the batch wrote to its newest entry, when it is more than
    /// <see cref="PointerStep"/> behind it (as far as this writer knows), or new: a monitor's every reading does not
    /// rewrite its pointers, and a search for the latest value scans at most that much of the patient's timeline.
    /// </summary>
    private void MoveLatestPointers(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TimelineRecord> records, List<(PointerKey, long)> moved)
    {
        var newest = new Dictionary<PointerKey, long>();
        foreach (var record in records)
        {
            var key = new PointerKey(record.PatientId, record.Type, record.Code);
            if (!newest.TryGetValue(key, out var at) || record.At.UtcTicks > at)
            {
                newest[key] = record.At.UtcTicks;
            }
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO timeline_latest (patient_id, type, code, at) VALUES ($patient, $type, $code, $at)
            ON CONFLICT DO UPDATE SET at = excluded.at WHERE excluded.at > timeline_latest.at
            """;
        var patient = command.Parameters.Add("$patient", SqliteType.Text);
        var type = command.Parameters.Add("$type", SqliteType.Integer);
        var code = command.Parameters.Add("$code", SqliteType.Text);
        var atParameter = command.Parameters.Add("$at", SqliteType.Integer);
        foreach (var (key, at) in newest)
        {
            bool known;
            long pointed;
            lock (_pointers)
            {
                known = _pointers.TryGetValue(key, out pointed);
            }

            if (known && at - pointed < PointerStep.Ticks)
            {
                continue;
            }

            (patient.Value, type.Value, code.Value, atParameter.Value) = (key.PatientId, (int)key.Type, key.Code, at);
            command.ExecuteNonQuery();
            moved.Add((key, at));
        }
    }

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

    private readonly record struct PointerKey(string PatientId, TimelineEntryType Type, string Code);

    /// <summary>One prepared upsert of entries.</summary>
    private sealed class EntryWriter : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _patient, _at, _id, _offset, _type, _code, _value, _value2, _device, _data;

        public EntryWriter(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = sql;
            _patient = _command.Parameters.Add("$patient", SqliteType.Text);
            _at = _command.Parameters.Add("$at", SqliteType.Integer);
            _id = _command.Parameters.Add("$id", SqliteType.Text);
            _offset = _command.Parameters.Add("$offset", SqliteType.Integer);
            _type = _command.Parameters.Add("$type", SqliteType.Integer);
            _code = _command.Parameters.Add("$code", SqliteType.Text);
            _value = _command.Parameters.Add("$value", SqliteType.Real);
            _value2 = _command.Parameters.Add("$value2", SqliteType.Real);
            _device = _command.Parameters.Add("$device", SqliteType.Text);
            _data = _command.Parameters.Add("$data", SqliteType.Text);
        }

        public void Write(TimelineRecord record)
        {
            _patient.Value = record.PatientId;
            _at.Value = record.At.UtcTicks;
            _id.Value = record.Id;
            _offset.Value = (int)record.At.Offset.TotalMinutes;
            _type.Value = (int)record.Type;
            _code.Value = record.Code;
            _value.Value = (object?)record.Value ?? DBNull.Value;
            _value2.Value = (object?)record.Value2 ?? DBNull.Value;
            _device.Value = (object?)record.DeviceId ?? DBNull.Value;
            _data.Value = record.Data;
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
