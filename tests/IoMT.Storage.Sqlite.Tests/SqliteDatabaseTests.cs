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

        await database.WriteAsync((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO items (data) SELECT printf('%.500c', 'x') FROM n";
            return insert.ExecuteNonQuery();
        });
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
    public void Dispose_Twice_NoError()
    {
        // Stores and the host's container may both dispose a database.
        var database = new SqliteDatabase(Path.Combine(_directory, "twice.db"), [Table], checkpointsInBackground: true);
        database.Dispose();

        database.Dispose();
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
