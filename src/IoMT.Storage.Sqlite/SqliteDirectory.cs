using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Core.Users;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>A user of the local host: roles, care teams and, for device makers, their manufacturer.</summary>
public sealed record LocalUser(string Id, IReadOnlyList<Role> Roles, IReadOnlyList<string> CareTeams, string? Manufacturer = null);

/// <summary>
/// Who is who on the local host, in a SQLite file: users with their roles and care teams, patients with theirs (and
/// their profile as one JSON text, <see cref="PatientProfileJson"/>; null for none), API
/// tokens and every change to users and tokens. Tokens are random 256-bit secrets (<see cref="ApiTokens"/>); only their
/// SHA-256 is stored, so the file reveals no usable token. Commits are fully durable: people typed this in.
/// </summary>
public sealed partial class SqliteDirectory : IPatientDirectory, IDisposable
{
    public const string TokenPrefix = ApiTokens.Prefix;

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
        new(2, """
            ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX api_tokens_by_user ON api_tokens (user_id, label);
            CREATE TABLE user_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                user_id TEXT NOT NULL, detail TEXT NOT NULL);
            CREATE INDEX user_changes_by_user ON user_changes (user_id, seq);
            """),
        new(3, "ALTER TABLE patients ADD COLUMN profile TEXT;"),
    ];

    /// <summary>The actor of changes the host makes itself (its admin token, the simulation's users).</summary>
    public const string SystemActor = "system";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>Raised after each committed change of who may see what (users, tokens, patients' care teams).</summary>
    public event Action? Changed;

    /// <param name="path">The database file.</param>
    /// <param name="time">The clock of the changes the host records itself.</param>
    public SqliteDirectory(string path, TimeProvider? time = null)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Creates or replaces a user (their care teams included; whether they are disabled stays as it is), as the host
    /// itself: a user saved again as they are is left alone, so a restart records nothing.
    /// </summary>
    public Task SaveUserAsync(LocalUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (ReadUsers("WHERE u.id = $id", ("$id", user.Id)).SingleOrDefault() is { } existing && existing.Roles.ToHashSet().SetEquals(user.Roles)
            && existing.CareTeams.ToHashSet(StringComparer.Ordinal).SetEquals(user.CareTeams) && existing.Manufacturer == user.Manufacturer)
        {
            return Task.CompletedTask;
        }

        return ChangeAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO users (id, roles, manufacturer) VALUES ($id, $roles, $manufacturer) ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, manufacturer = excluded.manufacturer",
                ("$id", user.Id), ("$roles", string.Join(',', user.Roles.Select(r => r.Name()))), ("$manufacturer", user.Manufacturer));
            ReplaceCareTeams(connection, transaction, "user_care_teams", "user_id", user.Id, user.CareTeams);
            var account = new UserAccount(user.Id, user.Roles, user.CareTeams, user.Manufacturer);
            Record(connection, transaction, UserChanges.Save(_time.GetUtcNow(), SystemActor, account));
            return 0;
        }, cancellationToken);
    }

    /// <summary>Creates or replaces a patient (their care teams and profile included).</summary>
    public Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return ChangeAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO patients (id, profile) VALUES ($id, $profile) ON CONFLICT (id) DO UPDATE SET profile = excluded.profile",
                ("$id", patient.Id), ("$profile", PatientProfileJson.Serialize(patient)));
            ReplaceCareTeams(connection, transaction, "patient_care_teams", "patient_id", patient.Id, patient.CareTeams);
            return 0;
        }, cancellationToken);
    }

    public Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.id, t.care_team, p.profile FROM patients p LEFT JOIN patient_care_teams t ON t.patient_id = p.id WHERE p.id = $id ORDER BY t.care_team
            """;
        command.Parameters.AddWithValue("$id", patientId);
        return Task.FromResult(ReadPatients(command).SingleOrDefault());
    }

    public Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        var teams = (careTeams ?? []).Select((team, i) => (Name: $"$t{i}", Value: team)).ToList();
        var selected = careTeams is null
            ? "SELECT id FROM patients ORDER BY id LIMIT $limit"
            : $"SELECT DISTINCT patient_id AS id FROM patient_care_teams WHERE care_team IN ({string.Join(", ", teams.Select(t => t.Name).DefaultIfEmpty("NULL"))}) ORDER BY patient_id LIMIT $limit";
        command.CommandText = $"""
            SELECT p.id, t.care_team, q.profile FROM ({selected}) p JOIN patients q ON q.id = p.id LEFT JOIN patient_care_teams t ON t.patient_id = p.id
            ORDER BY p.id, t.care_team
            """;
        command.Parameters.AddWithValue("$limit", limit);
        foreach (var (name, value) in teams)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Task.FromResult<IReadOnlyList<PatientRecord>>(ReadPatients(command));
    }

    /// <summary>Issues a new API token for <paramref name="userId"/> as the host itself; the token is returned once and never stored.</summary>
    public Task<string> IssueTokenAsync(string userId, string label, DateTimeOffset now, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        IssueAsync(userId, label, now, expiresAt, replace: false, cancellationToken);

    /// <summary>
    /// As <see cref="IssueTokenAsync"/>, revoking the user's earlier tokens of the same label in the same commit: the host's
    /// own tokens are one per purpose, not one more per start.
    /// </summary>
    public Task<string> ReplaceTokenAsync(string userId, string label, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) =>
        IssueAsync(userId, label, now, expiresAt, replace: true, cancellationToken);

    private async Task<string> IssueAsync(string userId, string label, DateTimeOffset now, DateTimeOffset? expiresAt, bool replace, CancellationToken cancellationToken)
    {
        var secret = ApiTokens.New();
        var hash = ApiTokens.Hash(secret);
        var token = new TokenView(ApiTokens.IdOf(hash), label, now, expiresAt);
        await ChangeAsync((connection, transaction) =>
        {
            if (replace)
            {
                foreach (var old in Tokens(connection, transaction, userId).Where(t => t.Label == label))
                {
                    DeleteToken(connection, transaction, userId, old, UserChanges.Token(now, SystemActor, UserChanges.TokenRevoked, userId, old));
                }
            }

            InsertToken(connection, transaction, userId, hash, token, UserChanges.Token(now, SystemActor, UserChanges.TokenIssued, userId, token));
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return secret;
    }

    /// <summary>The caller a token belongs to, or null for an unknown, revoked or expired token.</summary>
    public Task<Caller?> FindCallerAsync(string token, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!ApiTokens.IsWellFormed(token))
        {
            return Task.FromResult<Caller?>(null);
        }

        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.id, u.roles, u.manufacturer, t.care_team FROM api_tokens k
            JOIN users u ON u.id = k.user_id LEFT JOIN user_care_teams t ON t.user_id = u.id
            WHERE k.hash = $hash AND (k.expires_at IS NULL OR k.expires_at > $now) AND u.disabled = 0
            """;
        command.Parameters.AddWithValue("$hash", ApiTokens.Hash(token));
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
    public Task<bool> RevokeTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        var id = ApiTokens.IdOf(ApiTokens.Hash(token));
        return ChangeAsync((connection, transaction) =>
        {
            using var owner = Command(connection, transaction, "SELECT user_id FROM api_tokens WHERE hash = $hash", ("$hash", ApiTokens.Hash(token)));
            return owner.ExecuteScalar() is string userId
                && RevokeToken(connection, transaction, userId, id, t => UserChanges.Token(_time.GetUtcNow(), SystemActor, UserChanges.TokenRevoked, userId, t)) is not null;
        }, cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Patients from rows of (id, care team or null, profile or null), ordered by id: one row per care team.</summary>
    private static List<PatientRecord> ReadPatients(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<(string Id, string? CareTeam, string? Profile)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return [.. rows.GroupBy(r => r.Id, StringComparer.Ordinal).Select(g =>
            PatientProfileJson.WithProfile(new PatientRecord(g.Key, [.. g.Select(r => r.CareTeam).OfType<string>()]), g.First().Profile))];
    }

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

    /// <summary>Commits <paramref name="work"/>, then tells <see cref="Changed"/>'s listeners.</summary>
    private async Task<T> ChangeAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        var result = await _database.WriteAsync(work, cancellationToken: cancellationToken).ConfigureAwait(false);
        Changed?.Invoke();
        return result;
    }
}
