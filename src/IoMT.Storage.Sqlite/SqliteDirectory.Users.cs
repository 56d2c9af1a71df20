using IoMT.Core.Access;
using IoMT.Core.Users;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>Users and tokens as the admin API manages them; each change and its record in <c>user_changes</c> commit together.</summary>
public sealed partial class SqliteDirectory : IUserStore
{
    public Task<UserAccount?> FindUserAsync(string userId, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadUsers("WHERE u.id = $id", ("$id", userId)).SingleOrDefault());

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UserAccount>>(ReadUsers(""));

    public Task SaveUserAsync(UserAccount user, UserChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ChangeAsync((connection, transaction) =>
        {
            Execute(connection, transaction, """
                INSERT INTO users (id, roles, manufacturer, disabled) VALUES ($id, $roles, $manufacturer, $disabled)
                ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, manufacturer = excluded.manufacturer, disabled = excluded.disabled
                """,
                ("$id", user.Id), ("$roles", string.Join(',', user.Roles.Select(r => r.Name()))), ("$manufacturer", user.Manufacturer), ("$disabled", user.Disabled));
            ReplaceCareTeams(connection, transaction, "user_care_teams", "user_id", user.Id, user.CareTeams);
            Record(connection, transaction, change);
            return 0;
        }, cancellationToken);
    }

    public Task AddTokenAsync(string userId, string hash, TokenView token, UserChange change, CancellationToken cancellationToken = default) =>
        ChangeAsync((connection, transaction) =>
        {
            InsertToken(connection, transaction, userId, hash, token, change);
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<TokenView>> ListTokensAsync(string userId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        return Task.FromResult<IReadOnlyList<TokenView>>(Tokens(connection, null, userId));
    }

    public Task<TokenView?> RevokeTokenAsync(string userId, string tokenId, Func<TokenView, UserChange> change, CancellationToken cancellationToken = default) =>
        ChangeAsync((connection, transaction) => RevokeToken(connection, transaction, userId, tokenId, change), cancellationToken);

    public Task<IReadOnlyList<UserChange>> HistoryAsync(string userId, int max, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null,
            "SELECT at, actor, action, detail FROM user_changes WHERE user_id = $id ORDER BY seq DESC LIMIT $max", ("$id", userId), ("$max", max));
        using var reader = command.ExecuteReader();
        var changes = new List<UserChange>();
        while (reader.Read())
        {
            changes.Add(new UserChange(Instant(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), userId, reader.GetString(3)));
        }

        return Task.FromResult<IReadOnlyList<UserChange>>(changes);
    }

    private static TokenView? RevokeToken(SqliteConnection connection, SqliteTransaction transaction, string userId, string tokenId, Func<TokenView, UserChange> change)
    {
        var token = Tokens(connection, transaction, userId).FirstOrDefault(t => t.Id == tokenId);
        if (token is not null)
        {
            DeleteToken(connection, transaction, userId, token, change(token));
        }

        return token;
    }

    private static void InsertToken(SqliteConnection connection, SqliteTransaction transaction, string userId, string hash, TokenView token, UserChange change)
    {
        Execute(connection, transaction, "INSERT INTO api_tokens (hash, user_id, label, created_at, expires_at) VALUES ($hash, $user, $label, $created, $expires)",
            ("$hash", hash), ("$user", userId), ("$label", token.Label), ("$created", token.CreatedAt.UtcTicks), ("$expires", token.ExpiresAt?.UtcTicks));
        Record(connection, transaction, change);
    }

    private static void DeleteToken(SqliteConnection connection, SqliteTransaction transaction, string userId, TokenView token, UserChange change)
    {
        Execute(connection, transaction, "DELETE FROM api_tokens WHERE user_id = $user AND substr(hash, 1, 16) = $id", ("$user", userId), ("$id", token.Id));
        Record(connection, transaction, change);
    }

    private static List<TokenView> Tokens(SqliteConnection connection, SqliteTransaction? transaction, string userId)
    {
        using var command = Command(connection, transaction,
            "SELECT hash, label, created_at, expires_at FROM api_tokens WHERE user_id = $user ORDER BY created_at, hash", ("$user", userId));
        using var reader = command.ExecuteReader();
        var tokens = new List<TokenView>();
        while (reader.Read())
        {
            tokens.Add(new TokenView(ApiTokens.IdOf(reader.GetString(0)), reader.GetString(1), Instant(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : Instant(reader.GetInt64(3))));
        }

        return tokens;
    }

    private static void Record(SqliteConnection connection, SqliteTransaction transaction, UserChange change) =>
        Execute(connection, transaction, "INSERT INTO user_changes (at, actor, action, user_id, detail) VALUES ($at, $actor, $action, $user, $detail)",
            ("$at", change.At.UtcTicks), ("$actor", change.Actor), ("$action", change.Action), ("$user", change.UserId), ("$detail", change.Detail));

    private List<UserAccount> ReadUsers(string where, params (string Name, object? Value)[] parameters)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, $"""
            SELECT u.id, u.roles, u.manufacturer, u.disabled, t.care_team FROM users u LEFT JOIN user_care_teams t ON t.user_id = u.id
            {where} ORDER BY u.id, t.care_team
            """, parameters);
        using var reader = command.ExecuteReader();
        var users = new List<UserAccount>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            if (users.Count == 0 || users[^1].Id != id)
            {
                users.Add(new UserAccount(id, [.. ParseRoles(reader.GetString(1))], [], reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3)));
            }

            if (!reader.IsDBNull(4))
            {
                users[^1] = users[^1] with { CareTeams = [.. users[^1].CareTeams, reader.GetString(4)] };
            }
        }

        return users;
    }

    private static DateTimeOffset Instant(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
