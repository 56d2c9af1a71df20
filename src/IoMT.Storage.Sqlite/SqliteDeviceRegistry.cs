using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Devices;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Devices, their history and DPS enrollment groups in a SQLite file. A device is one row: the columns lists filter on,
/// and the whole record (credentials and bindings included) as JSON; <c>last_seen</c> is kept apart so that marking a
/// device seen does not rewrite it. Commits are fully durable: registrations are not derived from anything. Devices read
/// are kept in memory, because every message a device sends looks its record up (authentication, then ingestion): this
/// registry is the only writer of its file, and every write replaces or drops what it changed.
/// </summary>
public sealed class SqliteDeviceRegistry : IDeviceRegistry, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE devices (
                id TEXT NOT NULL PRIMARY KEY,
                manufacturer TEXT NOT NULL,
                model TEXT NOT NULL,
                status INTEGER NOT NULL,
                kinds TEXT NOT NULL,
                patient_id TEXT,
                deleted INTEGER NOT NULL,
                version INTEGER NOT NULL,
                last_seen INTEGER,
                data TEXT NOT NULL);
            CREATE INDEX devices_manufacturer ON devices (manufacturer, id);
            CREATE INDEX devices_patient ON devices (patient_id, id) WHERE patient_id IS NOT NULL;
            CREATE TABLE device_history (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                device_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT);
            CREATE INDEX device_history_device ON device_history (device_id, seq);
            CREATE TABLE enrollment_groups (id TEXT NOT NULL PRIMARY KEY, data TEXT NOT NULL);
            CREATE TABLE settings (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
            """),
    ];

    private const string Columns = "data, last_seen";

    /// <summary>Devices kept in memory at most (about 2 KB each); beyond, lookups read the file.</summary>
    private const int MaxCached = 100_000;

    private readonly SqliteDatabase _database;
    private readonly ConcurrentDictionary<string, DeviceRecord> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheWrites = new();

    // Moved by every write: a record read from the file is cached only if no write committed while it was being read.
    private long _writes;

    public SqliteDeviceRegistry(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    /// <summary>This registry's DPS id scope: made up once (like DPS's, <c>0ne</c> and 8 hex digits) and kept.</summary>
    public string IdScope()
    {
        var candidate = "0ne" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        return _database.WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO settings (key, value) VALUES ('dps.idScope', $value) ON CONFLICT (key) DO NOTHING", ("$value", candidate));
            using var command = Command(connection, transaction, "SELECT value FROM settings WHERE key = 'dps.idScope'");
            return (string)command.ExecuteScalar()!;
        }).GetAwaiter().GetResult();
    }

    public async Task<DeviceRecord?> FindAsync(string deviceId, CancellationToken cancellationToken = default) =>
        (await FindManyAsync([deviceId], cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<DeviceRecord>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = new List<DeviceRecord>(deviceIds.Count);
        var missing = new List<string>();
        foreach (var id in deviceIds.Distinct(StringComparer.Ordinal))
        {
            if (_cache.TryGetValue(id, out var cached))
            {
                found.Add(cached);
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<DeviceRecord>>(found);
        }

        var writesBefore = Interlocked.Read(ref _writes);
        var read = ReadMany(missing);
        lock (_cacheWrites)
        {
            if (_writes == writesBefore && _cache.Count + read.Count <= MaxCached)
            {
                read.ForEach(device => _cache[device.Id] = device);
            }
        }

        found.AddRange(read);
        return Task.FromResult<IReadOnlyList<DeviceRecord>>(found);
    }

    private List<DeviceRecord> ReadMany(List<string> deviceIds)
    {
        using var connection = _database.OpenConnection();
        var found = new List<DeviceRecord>(deviceIds.Count);
        foreach (var chunk in deviceIds.Chunk(500))
        {
            var names = chunk.Select((_, i) => "$id" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            using var command = Command(connection, null, $"SELECT {Columns} FROM devices WHERE id IN ({string.Join(',', names)})",
                [.. names.Zip(chunk, (name, id) => (name, (object?)id))]);
            found.AddRange(ReadAll(command));
        }

        return found;
    }

    public Task<DevicePage> ListAsync(DeviceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var sql = new System.Text.StringBuilder($"SELECT {Columns} FROM devices WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        void Where(string clause, string name, object? value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add((name, value));
        }

        if (filter.ContinuationToken is { } token)
        {
            Where("id > $after", "$after", DevicePageToken.Parse(token));
        }

        if (!filter.IncludeDeleted)
        {
            sql.Append(" AND deleted = 0");
        }

        if (filter.Manufacturer is { } manufacturer)
        {
            Where("manufacturer = $manufacturer", "$manufacturer", manufacturer);
        }

        if (filter.Model is { } model)
        {
            Where("model = $model", "$model", model);
        }

        if (filter.Status is { } status)
        {
            Where("status = $status", "$status", (int)status);
        }

        if (filter.Kind is { } kind)
        {
            Where("instr(kinds, $kind) > 0", "$kind", "," + kind + ",");
        }

        if (filter.PatientId is { } patient)
        {
            Where("patient_id = $patient", "$patient", patient);
        }

        sql.Append(" ORDER BY id LIMIT $limit");
        parameters.Add(("$limit", filter.PageSize + 1));
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, sql.ToString(), [.. parameters]);
        var items = ReadAll(command);
        var more = items.Count > filter.PageSize;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return Task.FromResult(new DevicePage(items, more ? DevicePageToken.After(items[^1].Id) : null));
    }

    public Task<IReadOnlyList<bool>> CreateAsync(IReadOnlyList<DeviceRecord> devices, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return ChangingAsync(devices.Select(d => d.Id), () => _database.WriteAsync<IReadOnlyList<bool>>((connection, transaction) =>
        {
            var created = new bool[devices.Count];
            using var insert = Command(connection, transaction, """
                INSERT INTO devices (id, manufacturer, model, status, kinds, patient_id, deleted, version, last_seen, data)
                VALUES ($id, $manufacturer, $model, $status, $kinds, $patient, $deleted, $version, $lastSeen, $data)
                ON CONFLICT (id) DO NOTHING
                """);
            for (var i = 0; i < devices.Count; i++)
            {
                Bind(insert, devices[i]);
                created[i] = insert.ExecuteNonQuery() == 1;
                if (created[i])
                {
                    AddHistory(connection, transaction, devices[i].Id, new DeviceChange(devices[i].CreatedAt, actor, "created"));
                }
            }

            return created;
        }, cancellationToken: cancellationToken));
    }

    public Task<bool> UpdateAsync(DeviceRecord device, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(change);
        return ChangingAsync([device.Id], () => _database.WriteAsync((connection, transaction) =>
        {
            using var update = Command(connection, transaction, """
                UPDATE devices SET manufacturer = $manufacturer, model = $model, status = $status, kinds = $kinds, patient_id = $patient,
                    deleted = $deleted, version = $version, data = $data
                WHERE id = $id AND version = $version - 1
                """);
            Bind(update, device);
            if (update.ExecuteNonQuery() != 1)
            {
                return false;
            }

            AddHistory(connection, transaction, device.Id, change);
            return true;
        }, cancellationToken: cancellationToken));
    }

    public Task<IReadOnlyList<DeviceChange>> HistoryAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, "SELECT at, actor, action, detail FROM device_history WHERE device_id = $id ORDER BY seq", ("$id", deviceId));
        using var reader = command.ExecuteReader();
        var history = new List<DeviceChange>();
        while (reader.Read())
        {
            history.Add(new DeviceChange(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return Task.FromResult<IReadOnlyList<DeviceChange>>(history);
    }

    public Task RecordAsync(IReadOnlyCollection<string> deviceIds, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return _database.WriteAsync((connection, transaction) =>
        {
            foreach (var id in deviceIds)
            {
                AddHistory(connection, transaction, id, change);
            }

            return 0;
        }, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// How far a device's stored last-seen time may trail its newest message: a device sending every second writes its
    /// row every few seconds instead of with every message (silence is watched in minutes).
    /// </summary>
    public static readonly TimeSpan SeenResolution = TimeSpan.FromSeconds(5);

    public async Task MarkSeenAsync(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastSeen);
        List<KeyValuePair<string, DateTimeOffset>> moved;
        lock (_cacheWrites)
        {
            // The cache holds what the file holds, so a device it shows seen within the resolution needs no statement.
            moved = [.. lastSeen.Where(s => !_cache.TryGetValue(s.Key, out var cached) || Moves(cached, s.Value))];
        }

        if (moved.Count == 0)
        {
            return;
        }

        await _database.WriteAsync((connection, transaction) =>
        {
            using var update = Command(connection, transaction, "UPDATE devices SET last_seen = $at WHERE id = $id AND (last_seen IS NULL OR last_seen <= $at - $resolution)");
            var id = update.Parameters.Add("$id", SqliteType.Text);
            var at = update.Parameters.Add("$at", SqliteType.Integer);
            update.Parameters.AddWithValue("$resolution", SeenResolution.Ticks);
            foreach (var (deviceId, seen) in moved)
            {
                id.Value = deviceId;
                at.Value = seen.UtcTicks;
                update.ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        lock (_cacheWrites)
        {
            _writes++;
            foreach (var (deviceId, seen) in moved)
            {
                if (_cache.TryGetValue(deviceId, out var cached) && Moves(cached, seen))
                {
                    _cache[deviceId] = cached with { LastSeenAt = seen };
                }
            }
        }
    }

    public Task<EnrollmentGroup?> FindGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, "SELECT data FROM enrollment_groups WHERE id = $id", ("$id", groupId));
        return Task.FromResult(command.ExecuteScalar() is string json ? JsonSerializer.Deserialize(json, DeviceJson.Default.EnrollmentGroup) : null);
    }

    public Task<IReadOnlyList<EnrollmentGroup>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, "SELECT data FROM enrollment_groups ORDER BY id");
        using var reader = command.ExecuteReader();
        var groups = new List<EnrollmentGroup>();
        while (reader.Read())
        {
            groups.Add(JsonSerializer.Deserialize(reader.GetString(0), DeviceJson.Default.EnrollmentGroup)!);
        }

        return Task.FromResult<IReadOnlyList<EnrollmentGroup>>(groups);
    }

    public Task<bool> CreateGroupAsync(EnrollmentGroup group, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _database.WriteAsync((connection, transaction) =>
            Execute(connection, transaction, "INSERT INTO enrollment_groups (id, data) VALUES ($id, $data) ON CONFLICT (id) DO NOTHING",
                ("$id", group.Id), ("$data", JsonSerializer.Serialize(group, DeviceJson.Default.EnrollmentGroup))) == 1, cancellationToken: cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    /// <summary>Whether <paramref name="seen"/> moves the device's stored last-seen time (the same rule as the UPDATE's condition).</summary>
    private static bool Moves(DeviceRecord device, DateTimeOffset seen) => !(seen - device.LastSeenAt < SeenResolution);

    /// <summary>Runs a write, then drops what it may have changed from memory (also when it failed: it may have committed).</summary>
    private async Task<T> ChangingAsync<T>(IEnumerable<string> deviceIds, Func<Task<T>> write)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        finally
        {
            lock (_cacheWrites)
            {
                _writes++;
                foreach (var id in deviceIds)
                {
                    _cache.TryRemove(id, out _);
                }
            }
        }
    }

    private static void Bind(SqliteCommand command, DeviceRecord device)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$id", device.Id);
        command.Parameters.AddWithValue("$manufacturer", device.Manufacturer);
        command.Parameters.AddWithValue("$model", device.Model);
        command.Parameters.AddWithValue("$status", (int)device.Status);
        command.Parameters.AddWithValue("$kinds", "," + string.Join(',', device.Kinds) + ",");
        command.Parameters.AddWithValue("$patient", (object?)device.CurrentPatientId ?? DBNull.Value);
        command.Parameters.AddWithValue("$deleted", device.IsDeleted ? 1 : 0);
        command.Parameters.AddWithValue("$version", device.Version);
        command.Parameters.AddWithValue("$lastSeen", (object?)device.LastSeenAt?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$data", JsonSerializer.Serialize(device with { LastSeenAt = null }, DeviceJson.Default.DeviceRecord));
    }

    private static List<DeviceRecord> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var devices = new List<DeviceRecord>();
        while (reader.Read())
        {
            var device = JsonSerializer.Deserialize(reader.GetString(0), DeviceJson.Default.DeviceRecord)!;
            devices.Add(reader.IsDBNull(1) ? device : device with { LastSeenAt = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero) });
        }

        return devices;
    }

    private static void AddHistory(SqliteConnection connection, SqliteTransaction transaction, string deviceId, DeviceChange change) =>
        Execute(connection, transaction, "INSERT INTO device_history (device_id, at, actor, action, detail) VALUES ($id, $at, $actor, $action, $detail)",
            ("$id", deviceId), ("$at", change.At.UtcTicks), ("$actor", change.Actor), ("$action", change.Action), ("$detail", change.Detail));
}

/// <summary>Device records and enrollment groups as stored: camelCase, enums as strings.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeviceRecord))]
[JsonSerializable(typeof(EnrollmentGroup))]
internal sealed partial class DeviceJson : JsonSerializerContext;
