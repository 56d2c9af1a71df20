using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>A schema change, applied once, in order; never edit one that has shipped, add the next.</summary>
public sealed record Migration(int Version, string Sql);

/// <summary>How many fsyncs a commit costs.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// synchronous=NORMAL in WAL mode: a power loss may lose the last commits but never corrupts the file. For data that
    /// can be rebuilt (timelines are derived from the ingestion log).
    /// </summary>
    Normal,

    /// <summary>synchronous=FULL: a commit survives power loss. For what was acknowledged to someone (the ingestion log).</summary>
    Full,
}

/// <summary>
/// One SQLite database file in WAL mode: migrations on open (versions recorded in <c>schema_version</c>), any number
/// of concurrent readers, and one writer at a time whose work runs in an immediate transaction. Writes go through one
/// connection kept open for them: as the file's only writer, its page cache stays valid from one commit to the next,
/// where a pooled connection that another one wrote through since must drop its cache and read the pages again.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private const int WriterCacheKiB = 65536;
    private const int ReaderCacheKiB = 2048;

    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly string _synchronous;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, string> _configured = [];
    private readonly int _walPages;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread? _checkpoints;
    private SqliteConnection? _writerConnection;
    private int _committed;
    private int _disposed;

    static SqliteDatabase()
    {
        SQLitePCL.Batteries_V2.Init();
    }

    /// <param name="checkpointsInBackground">
    /// Copy the WAL into the file from a background thread five times a second, for a file written many times a second:
    /// its commits no longer stop to copy the WAL and sync the file (docs/performance.md).
    /// </param>
    public SqliteDatabase(string path, IReadOnlyList<Migration> migrations, SqliteDurability durability = SqliteDurability.Normal, bool checkpointsInBackground = false)
        : this(path, migrations, durability, checkpointsInBackground ? WalCheckpoints.Default : null)
    {
    }

    internal SqliteDatabase(string path, IReadOnlyList<Migration> migrations, SqliteDurability durability, WalCheckpoints? background)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(migrations);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writerConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        _synchronous = Synchronous(durability);
        _walPages = background?.LimitPages ?? 16384;
        Migrate(migrations);
        if (background is not null)
        {
            // A thread of its own: checkpoints block on I/O, and must not wait behind busy thread pool threads.
            _checkpoints = new Thread(() => Checkpoint(background, _stopping.Token)) { IsBackground = true, Name = "SQLite checkpoints" };
            _checkpoints.Start();
        }
    }

    public string Path { get; }

    /// <summary>An open connection for reading (WAL readers never block the writer, nor each other).</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Settings stay with the pooled SQLite connection: set them once per physical connection, not per open.
        if (_configured.TryAdd(connection.Handle!, _synchronous))
        {
            Configure(connection, ReaderCacheKiB);
        }

        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> as the only writer, in one transaction that commits when it returns, with
    /// <paramref name="durability"/> for this commit (the database's own by default).
    /// </summary>
    public async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, T> work, SqliteDurability? durability = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            connection = _writerConnection ??= OpenWriter();
            var synchronous = durability is { } wanted ? Synchronous(wanted) : _synchronous;
            var change = synchronous != _synchronous;
            if (change)
            {
                Execute(connection, null, $"PRAGMA synchronous = {synchronous}");
            }

            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = work(connection, transaction);
                transaction.Commit();
                Interlocked.Increment(ref _committed);
                return result;
            }
            finally
            {
                if (change)
                {
                    Execute(connection, null, $"PRAGMA synchronous = {_synchronous}");
                }
            }
        }
        catch
        {
            // Whatever failed, the next write starts on a new connection rather than one in an unknown state.
            _writerConnection = null;
            connection?.Dispose();
            throw;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _checkpoints?.Join();
        _stopping.Dispose();

        // A write still running (the host stopping on a timeout) finishes on its connection first; writes after this
        // one fail (WriteAsync checks once it holds the writer), so the semaphore stays usable and is not disposed.
        var idle = _writer.Wait(TimeSpan.FromSeconds(30));
        _writerConnection?.Dispose();
        _writerConnection = null;
        if (idle)
        {
            _writer.Release();
        }

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private void Migrate(IReadOnlyList<Migration> migrations)
    {
        CreateOwnerOnly(Path);
        using var connection = OpenConnection();
        Execute(connection, null, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);");
        using var current = connection.CreateCommand();
        current.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var version = Convert.ToInt32(current.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (migrations.Count > 0 && version > migrations[^1].Version)
        {
            throw new InvalidOperationException($"{Path} has schema version {version}, newer than this program knows ({migrations[^1].Version}).");
        }

        foreach (var migration in migrations.Where(m => m.Version > version).OrderBy(m => m.Version))
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, migration.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, $at)";
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>
    /// Creates the file, if new, readable and writable by its owner only: it holds health data. SQLite gives its
    /// -wal and -shm files the database file's permissions.
    /// </summary>
    private static void CreateOwnerOnly(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another opener created it first.
        }
    }

    /// <summary>
    /// A passive checkpoint at each interval when something was committed: it copies what no reader still needs and
    /// never blocks the writer. Past <see cref="WalCheckpoints.RestartPages"/>, a second pass, then a last one with the
    /// writer held, copy what was written meanwhile, so that the next write starts the WAL over.
    /// </summary>
    private void Checkpoint(WalCheckpoints settings, CancellationToken stopping)
    {
        try
        {
            while (!stopping.WaitHandle.WaitOne(settings.Interval))
            {
                if (Interlocked.Exchange(ref _committed, 0) == 0)
                {
                    continue;
                }

                try
                {
                    using var connection = OpenConnection();
                    if (CheckpointPassive(connection) >= settings.RestartPages)
                    {
                        // The WAL starts over only when a write begins with all of it copied, which never happens
                        // while commits keep coming: it would grow to its limit, where a commit stops to copy it.
                        // Each pass copies what was written during the one before, so the last one, with the writer
                        // held, has the least to copy (median 33 ms at 5,000 msg/s, 43 ms without the middle pass).
                        // Waiting asynchronously keeps this thread's turn: blocked waiters can be overtaken by writes.
                        CheckpointPassive(connection);
                        _writer.WaitAsync(stopping).GetAwaiter().GetResult();
                        try
                        {
                            CheckpointPassive(connection);
                        }
                        finally
                        {
                            _writer.Release();
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Busy or failing now: the next interval tries again, and commits checkpoint themselves if the WAL
                    // grows. Nothing here may stop the process: this thread only saves commits some work.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            Configure(connection, WriterCacheKiB);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Configure(SqliteConnection connection, int cacheKiB)
    {
        // The writer keeps a 64 MiB page cache: appending to a timeline of a million entries nearly doubled
        // (docs/performance.md), because the pages batches insert into stay cached and pages written by several commits
        // are checkpointed once. A reader drops its whole cache whenever it begins after another connection's commit,
        // which on a busy file is every time, and walks a table sized to the most pages it ever held when it does: readers
        // keep 2 MiB. Reads go through mmap (up to 2 GiB, SQLite's limit; past the mapped size, appends slowed down in
        // the five-minute soak); 64 MiB of WAL between checkpoints (a 256 MiB limit if they run in the background).
        Execute(connection, null, $"PRAGMA synchronous = {_synchronous}; PRAGMA foreign_keys = ON; PRAGMA cache_size = -{cacheKiB}; PRAGMA mmap_size = 2147418112; PRAGMA wal_autocheckpoint = {_walPages};");
    }

    /// <summary>Copies what it can of the WAL into the file without waiting; returns the WAL's size in pages.</summary>
    private static long CheckpointPassive(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    /// <summary>The <c>PRAGMA synchronous</c> value of a durability.</summary>
    private static string Synchronous(SqliteDurability durability) => durability == SqliteDurability.Full ? "FULL" : "NORMAL";

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Background checkpoints: every <paramref name="Interval"/>; past <paramref name="RestartPages"/> of WAL, the WAL is
/// made to start over; <paramref name="LimitPages"/> is where a commit copies the WAL itself, should the background fall behind.
/// </summary>
internal sealed record WalCheckpoints(TimeSpan Interval, int RestartPages, int LimitPages)
{
    /// <summary>Five times a second; the WAL starts over past 64 MiB, and commits copy it at 256 MiB (4 KiB pages).</summary>
    public static readonly WalCheckpoints Default = new(TimeSpan.FromMilliseconds(200), 16384, 65536);
}
