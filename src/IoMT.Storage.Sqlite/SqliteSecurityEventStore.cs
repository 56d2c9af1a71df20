using IoMT.Core.Access;

namespace IoMT.Storage.Sqlite;

/// <summary>Security events in a SQLite file (the local host's <c>audit.db</c>), committed with full durability.</summary>
public sealed class SqliteSecurityEventStore : ISecurityEventStore, IDisposable
{
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
    ];

    private readonly SqliteDatabase _database;

    public SqliteSecurityEventStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task AppendAsync(SecurityEvent securityEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        return _database.WriteAsync((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO security_events (at, code, actor, request, detail, count) VALUES ($at, $code, $actor, $request, $detail, $count)";
            insert.Parameters.AddWithValue("$at", securityEvent.At.UtcTicks);
            insert.Parameters.AddWithValue("$code", securityEvent.Code);
            insert.Parameters.AddWithValue("$actor", securityEvent.Actor);
            insert.Parameters.AddWithValue("$request", securityEvent.Request);
            insert.Parameters.AddWithValue("$detail", (object?)securityEvent.Detail ?? DBNull.Value);
            insert.Parameters.AddWithValue("$count", securityEvent.Count);
            return insert.ExecuteNonQuery();
        }, cancellationToken: cancellationToken);
    }

    public Task<IReadOnlyList<SecurityEvent>> ListAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT at, code, actor, request, detail, count FROM security_events WHERE at >= $since ORDER BY id DESC LIMIT $max";
        query.Parameters.AddWithValue("$since", since.UtcTicks);
        query.Parameters.AddWithValue("$max", max);
        using var reader = query.ExecuteReader();
        var events = new List<SecurityEvent>();
        while (reader.Read())
        {
            events.Add(new SecurityEvent(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5)));
        }

        return Task.FromResult<IReadOnlyList<SecurityEvent>>(events);
    }

    public void Dispose() => _database.Dispose();
}
