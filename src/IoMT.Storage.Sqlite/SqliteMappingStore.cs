using IoMT.Core.Mapping;
using Microsoft.Data.Sqlite;
using static IoMT.Storage.Sqlite.SqliteCommands;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// Device mappings of the local host in a SQLite file: every uploaded version (immutable) and the active version per
/// scope. The organization's scope is stored with an empty manufacturer and model. Commits are fully durable.
/// </summary>
public sealed class SqliteMappingStore : IMappingStore, IDisposable
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE mapping_versions (
                manufacturer TEXT NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL, description TEXT,
                uploaded_at INTEGER NOT NULL, uploaded_by TEXT NOT NULL, PRIMARY KEY (manufacturer, model, version)) WITHOUT ROWID;
            CREATE TABLE active_mappings (
                manufacturer TEXT NOT NULL, model TEXT NOT NULL, version INTEGER NOT NULL, activated_at INTEGER NOT NULL, activated_by TEXT NOT NULL,
                PRIMARY KEY (manufacturer, model)) WITHOUT ROWID;
            """),
    ];

    private const string VersionColumns = "manufacturer, model, version, document, description, uploaded_at, uploaded_by";
    private readonly SqliteDatabase _database;

    public SqliteMappingStore(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full);
    }

    public Task<MappingVersion> AddAsync(
        MappingScope scope, string document, string? description, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return _database.WriteAsync((connection, transaction) =>
        {
            using var next = Command(connection, transaction,
                "SELECT COALESCE(MAX(version), 0) + 1 FROM mapping_versions WHERE manufacturer = $manufacturer AND model = $model", Key(scope));
            var version = Convert.ToInt32(next.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            Execute(connection, transaction, $"INSERT INTO mapping_versions ({VersionColumns}) VALUES ($manufacturer, $model, $version, $document, $description, $at, $by)",
                [.. Key(scope), ("$version", version), ("$document", document), ("$description", description), ("$at", at.UtcTicks), ("$by", uploadedBy)]);
            return new MappingVersion(scope, version, document, description, new DateTimeOffset(at.UtcTicks, TimeSpan.Zero), uploadedBy);
        }, cancellationToken: cancellationToken);
    }

    public Task<IReadOnlyList<MappingVersion>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<MappingVersion>>(ReadVersions($"SELECT {VersionColumns} FROM mapping_versions ORDER BY manufacturer, model, version"));

    public Task<MappingVersion?> FindAsync(MappingScope scope, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Task.FromResult(ReadVersions(
            $"SELECT {VersionColumns} FROM mapping_versions WHERE manufacturer = $manufacturer AND model = $model AND version = $version",
            [.. Key(scope), ("$version", version)]).SingleOrDefault());
    }

    public Task<IReadOnlyList<ActiveMapping>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, "SELECT manufacturer, model, version, activated_at, activated_by FROM active_mappings");
        using var reader = command.ExecuteReader();
        var active = new List<ActiveMapping>();
        while (reader.Read())
        {
            active.Add(new ActiveMapping(Scope(reader), reader.GetInt32(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), reader.GetString(4)));
        }

        return Task.FromResult<IReadOnlyList<ActiveMapping>>(active);
    }

    public Task SetActiveAsync(MappingScope scope, ActiveMapping? active, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return _database.WriteAsync((connection, transaction) => active is null
            ? Execute(connection, transaction, "DELETE FROM active_mappings WHERE manufacturer = $manufacturer AND model = $model", Key(scope))
            : Execute(connection, transaction, """
                INSERT INTO active_mappings (manufacturer, model, version, activated_at, activated_by) VALUES ($manufacturer, $model, $version, $at, $by)
                ON CONFLICT (manufacturer, model) DO UPDATE SET version = excluded.version, activated_at = excluded.activated_at, activated_by = excluded.activated_by
                """, [.. Key(scope), ("$version", active.Version), ("$at", active.ActivatedAt.UtcTicks), ("$by", active.ActivatedBy)]),
            cancellationToken: cancellationToken);
    }

    public void Dispose() => _database.Dispose();

    private List<MappingVersion> ReadVersions(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = _database.OpenConnection();
        using var command = Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        var versions = new List<MappingVersion>();
        while (reader.Read())
        {
            versions.Add(new MappingVersion(Scope(reader), reader.GetInt32(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero), reader.GetString(6)));
        }

        return versions;
    }

    private static (string, object?)[] Key(MappingScope scope) => [("$manufacturer", scope.Manufacturer ?? ""), ("$model", scope.Model ?? "")];

    private static MappingScope Scope(SqliteDataReader reader) =>
        reader.GetString(0).Length == 0 ? MappingScope.Organization : new MappingScope(reader.GetString(0), reader.GetString(1));
}
