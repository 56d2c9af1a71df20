using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Notifications;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// The <c>device</c> channel's deliveries in a SQLite file (the local host's <c>device-deliveries.db</c>), committed with
/// full durability: a delivery queued for devices is followed until they settle it, across restarts. Settled deliveries
/// are kept (a redelivered notification finds them and queues nothing again) for 30 days.
/// </summary>
public sealed class SqliteDeviceDeliveryStore : IDeviceDeliveryStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE device_deliveries (
                id TEXT PRIMARY KEY,
                queued_at INTEGER NOT NULL,
                pending INTEGER NOT NULL,
                data TEXT NOT NULL);
            CREATE INDEX device_deliveries_pending ON device_deliveries (pending, queued_at);
            """),
    ];

    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly SqliteDatabase _database;

    public SqliteDeviceDeliveryStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task SaveAsync(PendingDeviceDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _database.WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "DELETE FROM device_deliveries WHERE pending = 0 AND queued_at < $before",
                ("$before", (delivery.Outcome.At - Retention).UtcTicks));
            return Execute(connection, transaction, """
                INSERT INTO device_deliveries (id, queued_at, pending, data) VALUES ($id, $at, $pending, $data)
                ON CONFLICT (id) DO UPDATE SET pending = excluded.pending, data = excluded.data
                """,
                ("$id", delivery.Id), ("$at", delivery.Outcome.At.UtcTicks), ("$pending", delivery.IsPending ? 1 : 0),
                ("$data", JsonSerializer.Serialize(delivery, Json)));
        }, cancellationToken: cancellationToken);
    }

    public Task<PendingDeviceDelivery?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var query = Command(connection, null, "SELECT data FROM device_deliveries WHERE id = $id", ("$id", id));
        return Task.FromResult(Read(query).SingleOrDefault());
    }

    public Task<IReadOnlyList<PendingDeviceDelivery>> ListPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var query = Command(connection, null, "SELECT data FROM device_deliveries WHERE pending = 1 ORDER BY queued_at LIMIT $max", ("$max", max));
        return Task.FromResult<IReadOnlyList<PendingDeviceDelivery>>(Read(query));
    }

    public void Dispose() => _database.Dispose();

    private static List<PendingDeviceDelivery> Read(Microsoft.Data.Sqlite.SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var deliveries = new List<PendingDeviceDelivery>();
        while (reader.Read())
        {
            deliveries.Add(JsonSerializer.Deserialize<PendingDeviceDelivery>(reader.GetString(0), Json)!);
        }

        return deliveries;
    }
}
