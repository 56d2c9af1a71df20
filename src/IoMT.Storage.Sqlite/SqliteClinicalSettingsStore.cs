using System.Text.Json;
using IoMT.Core.Patients;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Patients' clinical settings in a SQLite file (the local host's <c>clinical-settings.db</c>): each patient's current
/// settings, numbered by version, and one row per change; a change and the settings it sets commit in one transaction,
/// fully durable (a physician typed them in).
/// </summary>
public sealed class SqliteClinicalSettingsStore : IClinicalSettingsStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE clinical_settings (
                patient_id TEXT NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                settings TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE clinical_settings_changes (
                patient_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL,
                previous TEXT NOT NULL,
                settings TEXT NOT NULL,
                PRIMARY KEY (patient_id, version)) WITHOUT ROWID;
            """),
    ];

    private readonly SqliteDatabase _database;

    public SqliteClinicalSettingsStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task<IReadOnlyDictionary<string, ClinicalSettings>> FindManyAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        using var connection = _database.OpenConnection();
        // One parameter whatever the number of patients: their ids as a JSON array, each looked up by its key (an IN
        // over a subquery would build a temporary table on every call, and this runs for every batch).
        using var command = Command(connection, null,
            "SELECT s.patient_id, s.settings FROM json_each($ids) AS j CROSS JOIN clinical_settings AS s ON s.patient_id = j.value",
            ("$ids", JsonSerializer.Serialize(patientIds.Distinct(StringComparer.Ordinal).ToList())));
        using var reader = command.ExecuteReader();
        var found = new Dictionary<string, ClinicalSettings>(StringComparer.Ordinal);
        while (reader.Read())
        {
            found[reader.GetString(0)] = ClinicalSettingsJson.Deserialize(reader.GetString(1));
        }

        return Task.FromResult<IReadOnlyDictionary<string, ClinicalSettings>>(found);
    }

    public Task SaveAsync(string patientId, ClinicalSettingsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(change);
        var settings = ClinicalSettingsJson.Serialize(change.Settings);
        return _database.WriteAsync((connection, transaction) =>
        {
            var (version, previous) = Current(connection, transaction, patientId);
            Execute(connection, transaction, """
                INSERT INTO clinical_settings (patient_id, version, settings) VALUES ($patient, $version, $settings)
                ON CONFLICT (patient_id) DO UPDATE SET version = excluded.version, settings = excluded.settings
                """,
                ("$patient", patientId), ("$version", version + 1), ("$settings", settings));
            Execute(connection, transaction, """
                INSERT INTO clinical_settings_changes (patient_id, version, at, actor, reason, previous, settings)
                VALUES ($patient, $version, $at, $actor, $reason, $previous, $settings)
                """,
                ("$patient", patientId), ("$version", version + 1), ("$at", change.At.UtcTicks), ("$actor", change.Actor), ("$reason", change.Reason),
                ("$previous", previous), ("$settings", settings));
            return 0;
        }, cancellationToken: cancellationToken);
    }

    public Task<IReadOnlyList<ClinicalSettingsChange>> HistoryAsync(string patientId, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, """
            SELECT at, actor, reason, previous, settings FROM clinical_settings_changes WHERE patient_id = $patient ORDER BY version DESC LIMIT $limit
            """,
            ("$patient", patientId), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var changes = new List<ClinicalSettingsChange>();
        while (reader.Read())
        {
            changes.Add(new ClinicalSettingsChange(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2),
                ClinicalSettingsJson.Deserialize(reader.GetString(3)), ClinicalSettingsJson.Deserialize(reader.GetString(4))));
        }

        return Task.FromResult<IReadOnlyList<ClinicalSettingsChange>>(changes);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>The patient's settings version (0 when none) and settings as stored (the defaults when none).</summary>
    private static (long Version, string Settings) Current(SqliteConnection connection, SqliteTransaction transaction, string patientId)
    {
        using var command = Command(connection, transaction, "SELECT version, settings FROM clinical_settings WHERE patient_id = $patient", ("$patient", patientId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : (0, ClinicalSettingsJson.Serialize(ClinicalSettings.Default));
    }
}
