using System.Security.Cryptography;
using System.Text;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>A user of the local host: roles, care teams and, for device makers, their manufacturer.</summary>
public sealed record LocalUser(string Id, IReadOnlyList<Role> Roles, IReadOnlyList<string> CareTeams, string? Manufacturer = null);

/// <summary>
/// Who is who on the local host, in a SQLite file: users with their roles and care teams, patients with theirs, and
/// API tokens. Tokens are random 256-bit secrets; only their SHA-256 is stored, so the file reveals no usable token.
/// Commits are fully durable: people typed this in.
/// </summary>
public sealed class SqliteDirectory : IPatientDirectory, IDisposable
{
    public const string TokenPrefix = "iomt_";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE users (id TEXT NOT NULL PRIMARY KEY, roles TEXT NOT NULL, manufacturer TEXT);
            CREATE TABLE user_care_teams (user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, care_team TEXT NOT NULL,
                PRIMARY KEY (user_id, care_team)) WITHOUT ROWID;
            CREATE TABLE patients (id TEXT NOT NULL PRIMARY KEY);
            CREATE TABLE patient_care_teams (patient_id TEXT NOT NULL REFERENCES patients (id) ON DELETE CASCADE, care_team TEXT NOT NULL,
                PRIMARY KEY (patient_id, care_team)) WITHOUT ROWID;
            CREATE TABLE api_tokens (hash TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                label TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER);
            """),
    ];

    private readonly SqliteDatabase _database;

    public SqliteDirectory(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    /// <summary>Creates or replaces a user (their care teams included).</summary>
    public Task SaveUserAsync(LocalUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _database.WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO users (id, roles, manufacturer) VALUES ($id, $roles, $manufacturer) ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, manufacturer = excluded.manufacturer",
                ("$id", user.Id), ("$roles", string.Join(',', user.Roles.Select(r => r.Name()))), ("$manufacturer", user.Manufacturer));
            ReplaceCareTeams(connection, transaction, "user_care_teams", "user_id", user.Id, user.CareTeams);
            return 0;
        }, cancellationToken: cancellationToken);
    }

    /// <summary>Creates or replaces a patient (their care teams included).</summary>
    public Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return _database.WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO patients (id) VALUES ($id) ON CONFLICT (id) DO NOTHING", ("$id", patient.Id));
            ReplaceCareTeams(connection, transaction, "patient_care_teams", "patient_id", patient.Id, patient.CareTeams);
            return 0;
        }, cancellationToken: cancellationToken);
    }

    public Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT p.id, t.care_team FROM patients p LEFT JOIN patient_care_teams t ON t.patient_id = p.id WHERE p.id = $id ORDER BY t.care_team";
        command.Parameters.AddWithValue("$id", patientId);
        using var reader = command.ExecuteReader();
        var found = false;
        var careTeams = new List<string>();
        while (reader.Read())
        {
            found = true;
            if (!reader.IsDBNull(1))
            {
                careTeams.Add(reader.GetString(1));
            }
        }

        return Task.FromResult(found ? new PatientRecord(patientId, careTeams) : null);
    }

    public Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        var teams = (careTeams ?? []).Select((team, i) => (Name: $"$t{i}", Value: team)).ToList();
        var selected = careTeams is null
            ? "SELECT id FROM patients ORDER BY id LIMIT $limit"
            : $"SELECT DISTINCT patient_id AS id FROM patient_care_teams WHERE care_team IN ({string.Join(", ", teams.Select(t => t.Name).DefaultIfEmpty("NULL"))}) ORDER BY patient_id LIMIT $limit";
        command.CommandText = $"SELECT p.id, t.care_team FROM ({selected}) p LEFT JOIN patient_care_teams t ON t.patient_id = p.id ORDER BY p.id, t.care_team";
        command.Parameters.AddWithValue("$limit", limit);
        foreach (var (name, value) in teams)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var patients = new List<PatientRecord>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (patients.Count == 0 || patients[^1].Id != id)
            {
                patients.Add(new PatientRecord(id, []));
            }

            if (!reader.IsDBNull(1))
            {
                patients[^1] = patients[^1] with { CareTeams = [.. patients[^1].CareTeams, reader.GetString(1)] };
            }
        }

        return Task.FromResult<IReadOnlyList<PatientRecord>>(patients);
    }

    /// <summary>Issues a new API token for <paramref name="userId"/>; the token itself is returned once and never stored.</summary>
    public async Task<string> IssueTokenAsync(string userId, string label, DateTimeOffset now, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        await _database.WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO api_tokens (hash, user_id, label, created_at, expires_at) VALUES ($hash, $user, $label, $created, $expires)",
                ("$hash", Hash(token)), ("$user", userId), ("$label", label), ("$created", now.UtcTicks), ("$expires", expiresAt?.UtcTicks));
            return 0;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The caller a token belongs to, or null for an unknown, revoked or expired token.</summary>
    public Task<Caller?> FindCallerAsync(string token, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return Task.FromResult<Caller?>(null);
        }

        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.id, u.roles, u.manufacturer, t.care_team FROM api_tokens k
            JOIN users u ON u.id = k.user_id LEFT JOIN user_care_teams t ON t.user_id = u.id
            WHERE k.hash = $hash AND (k.expires_at IS NULL OR k.expires_at > $now)
            """;
        command.Parameters.AddWithValue("$hash", Hash(token));
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        using var reader = command.ExecuteReader();
        Caller? caller = null;
        var careTeams = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            caller ??= new Caller(reader.GetString(0), ParseRoles(reader.GetString(1)), careTeams, reader.IsDBNull(2) ? null : reader.GetString(2));
            if (!reader.IsDBNull(3))
            {
                careTeams.Add(reader.GetString(3));
            }
        }

        return Task.FromResult(caller);
    }

    /// <summary>Revokes a token; false when it was not a live token.</summary>
    public Task<bool> RevokeTokenAsync(string token, CancellationToken cancellationToken = default) =>
        _database.WriteAsync((connection, transaction) =>
            Execute(connection, transaction, "DELETE FROM api_tokens WHERE hash = $hash", ("$hash", Hash(token))) == 1, cancellationToken: cancellationToken);

    public void Dispose() => _database.Dispose();

    private static HashSet<Role> ParseRoles(string names) =>
        [.. names.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(name => Roles.TryParse(name, out var role) ? role : (Role?)null).OfType<Role>()];

    private static void ReplaceCareTeams(SqliteConnection connection, SqliteTransaction transaction, string table, string column, string id, IEnumerable<string> careTeams)
    {
        Execute(connection, transaction, $"DELETE FROM {table} WHERE {column} = $id", ("$id", id));
        foreach (var careTeam in careTeams.Distinct(StringComparer.Ordinal))
        {
            Execute(connection, transaction, $"INSERT INTO {table} ({column}, care_team) VALUES ($id, $team)", ("$id", id), ("$team", careTeam));
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
