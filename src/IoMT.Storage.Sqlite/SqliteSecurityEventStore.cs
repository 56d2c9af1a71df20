using System.Text;
using IoMT.Core.Access;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Security events in a SQLite file (the local host's <c>audit.db</c>), committed with full durability. What callers who
/// proved no identity caused is capped (the newest <see cref="DefaultUnauthenticatedCap"/> events) and expires after
/// <see cref="DefaultUnauthenticatedRetention"/>; what identified callers did is kept, and never pushed out by the rest.
/// </summary>
public sealed class SqliteSecurityEventStore : ISecurityEventStore, IDisposable
{
    public const int DefaultUnauthenticatedCap = 2_000;
    public static readonly TimeSpan DefaultUnauthenticatedRetention = TimeSpan.FromDays(7);

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE security_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                code TEXT NOT NULL,
                actor TEXT NOT NULL,
                request TEXT NOT NULL,
                detail TEXT,
                count INTEGER NOT NULL);
            CREATE INDEX security_events_at ON security_events (at);
            """),
        new(2, """
            ALTER TABLE security_events ADD COLUMN source TEXT;
            ALTER TABLE security_events ADD COLUMN authenticated INTEGER NOT NULL DEFAULT 1;
            UPDATE security_events SET authenticated = 0 WHERE code IN ('device.unauthenticated', 'device.unknown', 'auth.unauthenticated');
            CREATE INDEX security_events_authenticated ON security_events (authenticated, id);
            """),
    ];

    private readonly SqliteDatabase _database;
    private readonly int _unauthenticatedCap;
    private readonly TimeSpan _unauthenticatedRetention;

    public SqliteSecurityEventStore(string path, int unauthenticatedCap = DefaultUnauthenticatedCap, TimeSpan? unauthenticatedRetention = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(unauthenticatedCap);
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
        _unauthenticatedCap = unauthenticatedCap;
        _unauthenticatedRetention = unauthenticatedRetention ?? DefaultUnauthenticatedRetention;
    }

    public Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        return _database.WriteAsync((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO security_events (at, code, actor, request, detail, count, source, authenticated)
                VALUES ($at, $code, $actor, $request, $detail, $count, $source, $authenticated)
                """;
            insert.Parameters.AddWithValue("$at", securityEvent.At.UtcTicks);
            insert.Parameters.AddWithValue("$code", securityEvent.Code);
            insert.Parameters.AddWithValue("$actor", securityEvent.Actor);
            insert.Parameters.AddWithValue("$request", securityEvent.Request);
            insert.Parameters.AddWithValue("$detail", (object?)securityEvent.Detail ?? DBNull.Value);
            insert.Parameters.AddWithValue("$count", securityEvent.Count);
            insert.Parameters.AddWithValue("$source", (object?)securityEvent.Source ?? DBNull.Value);
            insert.Parameters.AddWithValue("$authenticated", securityEvent.Authenticated ? 1 : 0);
            var written = insert.ExecuteNonQuery();
            if (securityEvent.Authenticated)
            {
                return written;
            }

            using var prune = connection.CreateCommand();
            prune.Transaction = transaction;
            prune.CommandText = """
                DELETE FROM security_events WHERE authenticated = 0 AND (at < $expired
                    OR id <= (SELECT id FROM security_events WHERE authenticated = 0 ORDER BY id DESC LIMIT 1 OFFSET $cap))
                """;
            prune.Parameters.AddWithValue("$expired", (securityEvent.At - _unauthenticatedRetention).UtcTicks);
            prune.Parameters.AddWithValue("$cap", _unauthenticatedCap);
            return written + prune.ExecuteNonQuery();
        }, cancellationToken: cancellationToken);
    }

    public Task<IReadOnlyList<SecurityEvent>> ListAsync(SecurityEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = _database.OpenConnection();
        using var select = connection.CreateCommand();
        var where = new StringBuilder("at >= $since");
        select.Parameters.AddWithValue("$since", query.Since.UtcTicks);
        Filter(query.Before, "id < $before");
        Filter(query.Code, "code = $code");
        Filter(query.Actor, "actor = $actor");
        Filter(query.Authenticated is { } authenticated ? (authenticated ? 1 : 0) : null, "authenticated = $authenticated");
        select.CommandText = $"SELECT id, at, code, actor, request, detail, count, source FROM security_events WHERE {where} ORDER BY id DESC LIMIT $limit";
        select.Parameters.AddWithValue("$limit", query.Limit);
        using var reader = select.ExecuteReader();
        var events = new List<SecurityEvent>();
        while (reader.Read())
        {
            events.Add(new SecurityEvent(new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6))
            {
                Id = reader.GetInt64(0),
                Source = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return Task.FromResult<IReadOnlyList<SecurityEvent>>(events);

        void Filter(object? value, string condition)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(condition);
                select.Parameters.AddWithValue(condition[(condition.IndexOf('$', StringComparison.Ordinal))..], value);
            }
        }
    }

    public void Dispose() => _database.Dispose();
}
