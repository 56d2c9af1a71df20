namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly Migration Table = new(1, "CREATE TABLE items (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-db-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Write_CheckpointsInBackground_CopiedIntoTheFileWithoutAFullWal()
    {
        var path = Path.Combine(_directory, "background.db");
        using var database = new SqliteDatabase(path, [Table], checkpointsInBackground: true);
        var empty = new FileInfo(path).Length;

        await database.WriteAsync((connection, transaction) => InsertThousand(connection, transaction, bytesEach: 500));
        // 1,000 rows of 500 bytes are far below the WAL's checkpoint size: a commit would not copy them yet.
        var copied = empty + (400 * 1000);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (new FileInfo(path).Length < copied && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.True(new FileInfo(path).Length >= copied);
    }

    [Fact]
    public async Task Write_ContinuousWithCheckpointsInBackground_WalStartsOverBeforeItsLimit()
    {
        // Scaled down: checks every 10 ms, starts over past 1 MiB, commits copy the WAL themselves at 64 MiB. Commits
        // back to back never leave the WAL all copied when the next one begins, so without the pass with the writer
        // held, the WAL would grow to its limit.
        var path = Path.Combine(_directory, "continuous.db");
        using var database = new SqliteDatabase(path, [Table], SqliteDurability.Normal, new WalCheckpoints(TimeSpan.FromMilliseconds(10), 256, 16384));
        var limit = 16384L * 4096;

        for (var written = 0L; written < 2 * limit; written += 256 * 1000)
        {
            await database.WriteAsync((connection, transaction) => InsertThousand(connection, transaction, bytesEach: 256));
        }

        // The WAL file keeps the largest size it reached.
        Assert.True(new FileInfo(path + "-wal").Length < limit * 3 / 4, $"The WAL reached {new FileInfo(path + "-wal").Length} bytes.");
    }

    [Fact]
    public async Task Write_WorkThrows_NothingCommittedAndTheNextWriteCommits()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "failing.db"), [Table]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>((connection, transaction) =>
        {
            Insert(connection, transaction, "lost");
            throw new InvalidOperationException("work failed");
        }));
        await database.WriteAsync((connection, transaction) => Insert(connection, transaction, "kept"));

        Assert.Equal(["kept"], ReadAll(database));
    }

    [Fact]
    public async Task Write_ConnectionCannotOpen_FailsEveryTimeWithoutHanging()
    {
        var folder = Path.Combine(_directory, "gone");
        using var database = new SqliteDatabase(Path.Combine(folder, "gone.db"), [Table]);
        Directory.Delete(folder, recursive: true);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                database.WriteAsync((connection, transaction) => Insert(connection, transaction, "none")).WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task Write_AfterAnotherWriterOnTheSameFile_SeesItsRows()
    {
        // The writer keeps its connection (and page cache) between writes; another process may write the file meanwhile.
        var path = Path.Combine(_directory, "shared.db");
        using var database = new SqliteDatabase(path, [Table]);
        await database.WriteAsync((connection, transaction) => Insert(connection, transaction, "first"));
        using (var other = new SqliteDatabase(path, [Table]))
        {
            await other.WriteAsync((connection, transaction) => Insert(connection, transaction, "other"));
        }

        var seen = await database.WriteAsync((connection, transaction) =>
        {
            Insert(connection, transaction, "third");
            using var count = connection.CreateCommand();
            count.Transaction = transaction;
            count.CommandText = "SELECT COUNT(*) FROM items";
            return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });

        Assert.Equal(3, seen);
        Assert.Equal(["first", "other", "third"], ReadAll(database));
    }

    [Fact]
    public async Task Dispose_DuringAWrite_TheWriteCommitsAndLaterWritesFail()
    {
        // The host's container may dispose a store while a write is still running (a shutdown timeout).
        var path = Path.Combine(_directory, "closing.db");
        var database = new SqliteDatabase(path, [Table]);
        using var started = new ManualResetEventSlim();
        using var proceed = new ManualResetEventSlim();
        var running = Task.Run(() => database.WriteAsync((connection, transaction) =>
        {
            started.Set();
            proceed.Wait();
            return Insert(connection, transaction, "during");
        }));
        started.Wait();

        var disposing = Task.Run(database.Dispose);
        await Task.Delay(100);
        proceed.Set();
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await running.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            database.WriteAsync((connection, transaction) => Insert(connection, transaction, "after")).WaitAsync(TimeSpan.FromSeconds(30)));
        using var reopened = new SqliteDatabase(path, [Table]);
        Assert.Equal(["during"], ReadAll(reopened));
    }

    [Fact]
    public void Dispose_Twice_NoError()
    {
        // Stores and the host's container may both dispose a database.
        var database = new SqliteDatabase(Path.Combine(_directory, "twice.db"), [Table], checkpointsInBackground: true);
        database.Dispose();

        database.Dispose();
    }

    private static int Insert(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string data) =>
        Run(connection, transaction, "INSERT INTO items (data) VALUES ($value)", data);

    /// <summary>Inserts 1,000 rows of <paramref name="bytesEach"/> bytes in one statement.</summary>
    private static int InsertThousand(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, int bytesEach) =>
        Run(connection, transaction,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO items (data) SELECT printf('%.*c', $value, 'x') FROM n",
            bytesEach);

    private static int Run(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string sql, object value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$value", value);
        return command.ExecuteNonQuery();
    }

    private static List<string> ReadAll(SqliteDatabase database)
    {
        using var connection = database.OpenConnection();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT data FROM items ORDER BY id";
        using var reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
