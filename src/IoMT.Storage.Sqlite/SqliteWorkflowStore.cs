using IoMT.Core.Adherence;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>An effect waiting in the outbox, with the attempts made so far.</summary>
public sealed record PendingEffect(long Sequence, WorkflowEffect Effect, int Attempts);

/// <summary>
/// The local workflow engine's state in one SQLite file: each alert's escalation (its state, its pending timer),
/// active snoozes, medication schedules and each medication's adherence state (with its next wake-up), and the outbox
/// of effects still to run. A decision's new state, timer and effects commit together (<see cref="WriteAsync{T}"/>),
/// fully durable: an acknowledged alert or a pending escalation survives power loss.
/// </summary>
public sealed class SqliteWorkflowStore : IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE escalations (
                alert_id TEXT NOT NULL PRIMARY KEY,
                patient_id TEXT NOT NULL,
                status TEXT NOT NULL,
                priority INTEGER NOT NULL,
                raised_at INTEGER NOT NULL,
                timer_due INTEGER,
                state TEXT NOT NULL);
            CREATE INDEX escalations_timer ON escalations (timer_due) WHERE timer_due IS NOT NULL;
            CREATE INDEX escalations_inbox ON escalations (status, priority, raised_at);
            CREATE INDEX escalations_patient ON escalations (patient_id, raised_at);
            CREATE TABLE snoozes (id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, until INTEGER NOT NULL, scope TEXT NOT NULL);
            CREATE INDEX snoozes_patient ON snoozes (patient_id, until);
            CREATE TABLE schedules (
                patient_id TEXT NOT NULL, medication_id TEXT NOT NULL, schedule TEXT NOT NULL,
                PRIMARY KEY (patient_id, medication_id)) WITHOUT ROWID;
            CREATE TABLE adherence (
                patient_id TEXT NOT NULL, medication_id TEXT NOT NULL, wake_at INTEGER, state TEXT NOT NULL,
                PRIMARY KEY (patient_id, medication_id)) WITHOUT ROWID;
            CREATE INDEX adherence_wake ON adherence (wake_at) WHERE wake_at IS NOT NULL;
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                effect TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt INTEGER NOT NULL);
            CREATE INDEX outbox_next ON outbox (next_attempt);
            """),
        new(2, """
            ALTER TABLE outbox ADD COLUMN patient_id TEXT NOT NULL DEFAULT '';
            CREATE INDEX outbox_patient ON outbox (patient_id, seq);
            """),
    ];

    private readonly SqliteDatabase _database;

    public SqliteWorkflowStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    /// <summary>Runs a decision's reads and writes in one transaction, the only writer, committed durably.</summary>
    public Task<T> WriteAsync<T>(Func<WorkflowWriter, T> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _database.WriteAsync((connection, transaction) => work(new WorkflowWriter(connection, transaction)), SqliteDurability.Full, cancellationToken);
    }

    public EscalationState? FindEscalation(string alertId) => Read(reader => reader.FindEscalation(alertId));

    public IReadOnlyList<MedicationSchedule> ListSchedules(string patientId) => Read(reader => reader.ListSchedules(patientId));

    /// <summary>Alerts matching <paramref name="filter"/>, highest priority first, then oldest first.</summary>
    public IReadOnlyList<EscalationState> ListEscalations(AlertFilter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = (filter.Statuses ?? AlertFilter.Open).Select((s, i) => (Name: $"$s{i}", Value: (object?)s.ToString())).ToList();
        var patients = (filter.PatientIds ?? []).Select((p, i) => (Name: $"$p{i}", Value: (object?)p)).ToList();
        var sql = "SELECT state FROM escalations WHERE status IN (" + string.Join(", ", statuses.Select(s => s.Name)) + ")"
            + (filter.Priority is null ? "" : " AND priority = $priority")
            + (filter.PatientIds is null ? "" : " AND patient_id IN (" + string.Join(", ", patients.Select(p => p.Name).DefaultIfEmpty("NULL")) + ")")
            + " ORDER BY priority DESC, raised_at, alert_id LIMIT $limit";
        return Read(reader => reader.Query(sql, r => WorkflowJson.Deserialize<EscalationState>(r.GetString(0)),
            [.. statuses, .. patients, ("$priority", (int)(filter.Priority ?? 0)), ("$limit", limit)]));
    }

    /// <summary>Alerts whose timer is due at <paramref name="now"/>, earliest first.</summary>
    public IReadOnlyList<string> DueEscalations(DateTimeOffset now, int limit) =>
        Read(reader => reader.Query("SELECT alert_id FROM escalations WHERE timer_due <= $now ORDER BY timer_due LIMIT $limit",
            r => r.GetString(0), ("$now", now.UtcTicks), ("$limit", limit)));

    /// <summary>Medications (as <c>patient</c>, <c>medication</c>) whose adherence wake-up is due.</summary>
    public IReadOnlyList<(string PatientId, string MedicationId)> DueAdherence(DateTimeOffset now, int limit) =>
        Read(reader => reader.Query("SELECT patient_id, medication_id FROM adherence WHERE wake_at <= $now ORDER BY wake_at LIMIT $limit",
            r => (r.GetString(0), r.GetString(1)), ("$now", now.UtcTicks), ("$limit", limit)));

    /// <summary>When the next timer, wake-up or effect retry falls due; null when nothing waits.</summary>
    public DateTimeOffset? NextDue() => Read(reader => reader.Query("""
        SELECT MIN(due) FROM (
            SELECT MIN(timer_due) AS due FROM escalations UNION ALL
            SELECT MIN(wake_at) FROM adherence UNION ALL
            SELECT MIN(next_attempt) FROM outbox)
        """, r => r.IsDBNull(0) ? (DateTimeOffset?)null : new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero))[0]);

    /// <summary>
    /// Effects due to run (first attempts and retries whose pause is over), oldest first, except those queued behind an
    /// earlier effect of the same patient that is waiting for its retry: a patient's effects run in decision order.
    /// </summary>
    public IReadOnlyList<PendingEffect> PendingEffects(DateTimeOffset now, int limit) =>
        Read(reader => reader.Query("""
            SELECT seq, effect, attempts FROM outbox o
            WHERE next_attempt <= $now
              AND NOT EXISTS (SELECT 1 FROM outbox w WHERE w.patient_id = o.patient_id AND w.seq < o.seq AND w.next_attempt > $now)
            ORDER BY seq LIMIT $limit
            """,
            r => new PendingEffect(r.GetInt64(0), WorkflowJson.Deserialize<WorkflowEffect>(r.GetString(1)), r.GetInt32(2)), ("$now", now.UtcTicks), ("$limit", limit)));

    public Task CompleteEffectAsync(long sequence, CancellationToken cancellationToken = default) =>
        WriteAsync(writer => writer.Execute("DELETE FROM outbox WHERE seq = $seq", ("$seq", sequence)), cancellationToken);

    public Task RetryEffectAsync(long sequence, DateTimeOffset nextAttempt, CancellationToken cancellationToken = default) =>
        WriteAsync(writer => writer.Execute("UPDATE outbox SET attempts = attempts + 1, next_attempt = $next WHERE seq = $seq",
            ("$seq", sequence), ("$next", nextAttempt.UtcTicks)), cancellationToken);

    public void Dispose() => _database.Dispose();

    /// <summary>Reads outside any transaction (WAL readers see the last commit).</summary>
    private T Read<T>(Func<WorkflowWriter, T> read)
    {
        using var connection = _database.OpenConnection();
        return read(new WorkflowWriter(connection, null));
    }
}

/// <summary>The reads and writes of one decision, inside the store's transaction.</summary>
public sealed class WorkflowWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction? _transaction;

    internal WorkflowWriter(SqliteConnection connection, SqliteTransaction? transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public EscalationState? FindEscalation(string alertId) =>
        ReadJson<EscalationState>("SELECT state FROM escalations WHERE alert_id = $id", ("$id", alertId));

    public void SaveEscalation(EscalationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var alert = state.Alert;
        Execute("""
            INSERT INTO escalations (alert_id, patient_id, status, priority, raised_at, timer_due, state)
            VALUES ($id, $patient, $status, $priority, $raised, $due, $state)
            ON CONFLICT (alert_id) DO UPDATE SET status = excluded.status, timer_due = excluded.timer_due, state = excluded.state
            """,
            ("$id", alert.AlertId), ("$patient", alert.PatientId), ("$status", state.Status.ToString()), ("$priority", (int)alert.Priority),
            ("$raised", alert.EscalationStart.UtcTicks), ("$due", state.Timer?.Due.UtcTicks), ("$state", WorkflowJson.Serialize(state)));
    }

    /// <summary>Snoozes of the patient still running at <paramref name="now"/>.</summary>
    public IReadOnlyList<SnoozeScope> ActiveSnoozes(string patientId, DateTimeOffset now) =>
        Query("SELECT scope FROM snoozes WHERE patient_id = $patient AND until > $now", r => WorkflowJson.Deserialize<SnoozeScope>(r.GetString(0)),
            ("$patient", patientId), ("$now", now.UtcTicks));

    /// <summary>Keeps a snooze scope (and forgets the patient's ended ones).</summary>
    public void AddSnooze(SnoozeScope scope, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Execute("DELETE FROM snoozes WHERE patient_id = $patient AND until <= $now", ("$patient", scope.PatientId), ("$now", now.UtcTicks));
        Execute("INSERT INTO snoozes (patient_id, until, scope) VALUES ($patient, $until, $scope)",
            ("$patient", scope.PatientId), ("$until", scope.Until.UtcTicks), ("$scope", WorkflowJson.Serialize(scope)));
    }

    public MedicationSchedule? FindSchedule(string patientId, string medicationId) =>
        ReadJson<MedicationSchedule>("SELECT schedule FROM schedules WHERE patient_id = $patient AND medication_id = $medication",
            ("$patient", patientId), ("$medication", medicationId));

    public IReadOnlyList<MedicationSchedule> ListSchedules(string patientId) =>
        Query("SELECT schedule FROM schedules WHERE patient_id = $patient ORDER BY medication_id",
            r => WorkflowJson.Deserialize<MedicationSchedule>(r.GetString(0)), ("$patient", patientId));

    public void SaveSchedule(MedicationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Execute("""
            INSERT INTO schedules (patient_id, medication_id, schedule) VALUES ($patient, $medication, $schedule)
            ON CONFLICT (patient_id, medication_id) DO UPDATE SET schedule = excluded.schedule
            """, ("$patient", schedule.PatientId), ("$medication", schedule.MedicationId), ("$schedule", WorkflowJson.Serialize(schedule)));
    }

    public AdherenceState? FindAdherence(string patientId, string medicationId) =>
        ReadJson<AdherenceState>("SELECT state FROM adherence WHERE patient_id = $patient AND medication_id = $medication",
            ("$patient", patientId), ("$medication", medicationId));

    public void SaveAdherence(AdherenceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Execute("""
            INSERT INTO adherence (patient_id, medication_id, wake_at, state) VALUES ($patient, $medication, $wake, $state)
            ON CONFLICT (patient_id, medication_id) DO UPDATE SET wake_at = excluded.wake_at, state = excluded.state
            """, ("$patient", state.Schedule.PatientId), ("$medication", state.Schedule.MedicationId), ("$wake", state.WakeAt?.UtcTicks),
            ("$state", WorkflowJson.Serialize(state)));
    }

    /// <summary>Queues effects to run now; an effect already queued under the same key is not queued twice.</summary>
    public void Enqueue(IEnumerable<WorkflowEffect> effects, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(effects);
        foreach (var effect in effects)
        {
            Execute("INSERT INTO outbox (key, patient_id, effect, next_attempt) VALUES ($key, $patient, $effect, $now) ON CONFLICT (key) DO NOTHING",
                ("$key", effect.Key), ("$patient", effect.PatientId), ("$effect", WorkflowJson.Serialize(effect)), ("$now", now.UtcTicks));
        }
    }

    internal int Execute(string sql, params (string Name, object? Value)[] parameters) =>
        SqliteCommands.Execute(_connection, _transaction, sql, parameters);

    internal List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters) =>
        SqliteCommands.Command(_connection, _transaction, sql, parameters);

    private T? ReadJson<T>(string sql, params (string Name, object? Value)[] parameters)
        where T : class
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar() is string json ? WorkflowJson.Deserialize<T>(json) : null;
    }
}
