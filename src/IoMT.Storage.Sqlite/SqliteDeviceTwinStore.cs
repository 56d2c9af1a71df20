using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Device twins in a SQLite file (the local host's <c>twins.db</c>): one row per device that has a twin, its two
/// sections as JSON with their versions, committed with full durability (a reported patch is acknowledged to the
/// device, a desired patch to the API caller).
/// </summary>
public sealed class SqliteDeviceTwinStore : IDeviceTwinStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE twins (
                device_id TEXT NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                desired TEXT NOT NULL,
                desired_version INTEGER NOT NULL,
                reported TEXT NOT NULL,
                reported_version INTEGER NOT NULL) WITHOUT ROWID;
            """),
    ];

    private readonly SqliteDatabase _database;

    public SqliteDeviceTwinStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task<DeviceTwin?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        using var connection = _database.OpenConnection();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT version, desired, desired_version, reported, reported_version FROM twins WHERE device_id = $id";
        query.Parameters.AddWithValue("$id", deviceId);
        using var reader = query.ExecuteReader();
        return Task.FromResult(reader.Read()
            ? new DeviceTwin(deviceId, reader.GetInt64(0), Parse(reader.GetString(1)), reader.GetInt64(2), Parse(reader.GetString(3)), reader.GetInt64(4))
            : null);
    }

    public Task<bool> SaveAsync(DeviceTwin twin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var desired = twin.Desired.ToJsonString();
        var reported = twin.Reported.ToJsonString();
        return _database.WriteAsync((connection, transaction) =>
        {
            using var save = connection.CreateCommand();
            save.Transaction = transaction;
            save.CommandText = twin.Version == 1
                ? """
                  INSERT INTO twins (device_id, version, desired, desired_version, reported, reported_version)
                  VALUES ($id, $version, $desired, $desiredVersion, $reported, $reportedVersion) ON CONFLICT (device_id) DO NOTHING
                  """
                : """
                  UPDATE twins SET version = $version, desired = $desired, desired_version = $desiredVersion, reported = $reported,
                  reported_version = $reportedVersion WHERE device_id = $id AND version = $version - 1
                  """;
            save.Parameters.AddWithValue("$id", twin.DeviceId);
            save.Parameters.AddWithValue("$version", twin.Version);
            save.Parameters.AddWithValue("$desired", desired);
            save.Parameters.AddWithValue("$desiredVersion", twin.DesiredVersion);
            save.Parameters.AddWithValue("$reported", reported);
            save.Parameters.AddWithValue("$reportedVersion", twin.ReportedVersion);
            return save.ExecuteNonQuery() == 1;
        }, cancellationToken: cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private static JsonObject Parse(string json) => JsonNode.Parse(json) as JsonObject ?? [];
}
