using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Devices' cloud-to-device queues in a SQLite file (the local host's <c>cloud-to-device.db</c>), committed with full
/// durability: a message the API accepted, and a device's completion, survive power loss. Each operation reads the
/// device's pending messages, brings them up to now with <see cref="CloudToDeviceRules"/> and writes what changed, in
/// one transaction, so a device's operations never interleave. Finished messages are kept
/// <see cref="CloudToDeviceRules.FinishedRetention"/> for their delivery record.
/// </summary>
public sealed class SqliteCloudToDeviceStore : ICloudToDeviceStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE c2d_messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                device_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                enqueued_at INTEGER NOT NULL,
                pending INTEGER NOT NULL,
                data TEXT NOT NULL);
            CREATE UNIQUE INDEX c2d_messages_id ON c2d_messages (device_id, message_id);
            CREATE INDEX c2d_messages_pending ON c2d_messages (device_id, pending, seq);
            """),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly SqliteDatabase _database;

    public SqliteCloudToDeviceStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _database.WriteAsync((connection, transaction) =>
        {
            using (var known = Command(connection, transaction, "SELECT 1 FROM c2d_messages WHERE device_id = $device AND message_id = $message",
                ("$device", message.DeviceId), ("$message", message.MessageId)))
            {
                if (known.ExecuteScalar() is not null)
                {
                    return true;
                }
            }

            var pending = Pending(connection, transaction, message.DeviceId, message.EnqueuedAt);
            if (pending.Count(m => m.IsPending) >= CloudToDeviceRules.MaxQueueDepth)
            {
                return false;
            }

            Execute(connection, transaction, "DELETE FROM c2d_messages WHERE device_id = $device AND pending = 0 AND enqueued_at < $before",
                ("$device", message.DeviceId), ("$before", (message.EnqueuedAt - CloudToDeviceRules.FinishedRetention).UtcTicks));
            Execute(connection, transaction, "INSERT INTO c2d_messages (device_id, message_id, enqueued_at, pending, data) VALUES ($device, $message, $at, 1, $data)",
                ("$device", message.DeviceId), ("$message", message.MessageId), ("$at", message.EnqueuedAt.UtcTicks), ("$data", Serialize(message)));
            return true;
        }, cancellationToken: cancellationToken);
    }

    public Task<CloudToDeviceMessage?> ReceiveAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.WriteAsync((connection, transaction) =>
        {
            var next = Pending(connection, transaction, deviceId, now).FirstOrDefault(m => m.Status == CloudToDeviceStatus.Queued);
            if (next is null)
            {
                return null;
            }

            var delivered = CloudToDeviceRules.Deliver(next, Guid.NewGuid().ToString(), now);
            Save(connection, transaction, delivered);
            return delivered;
        }, cancellationToken: cancellationToken);

    public Task<ApiResult<CloudToDeviceMessage>> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _database.WriteAsync((connection, transaction) =>
        {
            var held = Pending(connection, transaction, deviceId, now)
                .FirstOrDefault(m => m.Status == CloudToDeviceStatus.Delivered && string.Equals(m.LockToken, lockToken, StringComparison.OrdinalIgnoreCase));
            var settled = CloudToDeviceRules.Settle(held, lockToken, settlement, now);
            if (settled.IsSuccess)
            {
                Save(connection, transaction, settled.Value!);
            }

            return settled;
        }, cancellationToken: cancellationToken);

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var query = Command(connection, null, "SELECT seq, data FROM c2d_messages WHERE device_id = $device AND message_id = $message",
            ("$device", deviceId), ("$message", messageId));
        return Task.FromResult(Read(query, now).SingleOrDefault());
    }

    public Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var query = Command(connection, null, "SELECT seq, data FROM c2d_messages WHERE device_id = $device ORDER BY seq DESC LIMIT $max",
            ("$device", deviceId), ("$max", max));
        return Task.FromResult<IReadOnlyList<CloudToDeviceMessage>>(Read(query, now));
    }

    public void Dispose() => _database.Dispose();

    /// <summary>The device's pending messages in order, as of <paramref name="now"/>; those that changed on the way (a lock timed out, expired) are saved.</summary>
    private static List<CloudToDeviceMessage> Pending(SqliteConnection connection, SqliteTransaction transaction, string deviceId, DateTimeOffset now)
    {
        using var query = Command(connection, transaction, "SELECT seq, data FROM c2d_messages WHERE device_id = $device AND pending = 1 ORDER BY seq",
            ("$device", deviceId));
        var stored = Read(query, null);
        var current = stored.Select(m => CloudToDeviceRules.Advance(m, now)).ToList();
        for (var i = 0; i < current.Count; i++)
        {
            if (!ReferenceEquals(current[i], stored[i]))
            {
                Save(connection, transaction, current[i]);
            }
        }

        return current;
    }

    private static void Save(SqliteConnection connection, SqliteTransaction transaction, CloudToDeviceMessage message) =>
        Execute(connection, transaction, "UPDATE c2d_messages SET pending = $pending, data = $data WHERE seq = $seq",
            ("$pending", message.IsPending ? 1 : 0), ("$data", Serialize(message)), ("$seq", message.SequenceNumber));

    private static List<CloudToDeviceMessage> Read(SqliteCommand query, DateTimeOffset? now)
    {
        using var reader = query.ExecuteReader();
        var messages = new List<CloudToDeviceMessage>();
        while (reader.Read())
        {
            var message = JsonSerializer.Deserialize<CloudToDeviceMessage>(reader.GetString(1), Json)! with { SequenceNumber = reader.GetInt64(0) };
            messages.Add(now is { } at ? CloudToDeviceRules.Advance(message, at) : message);
        }

        return messages;
    }

    private static string Serialize(CloudToDeviceMessage message) => JsonSerializer.Serialize(message with { SequenceNumber = 0 }, Json);
}
