using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

/// <summary>The ingestion state contract against the local ingestion log's tables.</summary>
public sealed class SqliteIngestionStateTests : IngestionStateStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-ingestion-" + Guid.NewGuid().ToString("N"));
    private SqliteIngestionLog? _log;

    protected override Task<IIngestionStateStore> CreateStoreAsync()
    {
        _log = new SqliteIngestionLog(Path.Combine(_directory, "ingestion.db"));
        return Task.FromResult<IIngestionStateStore>(_log);
    }

    public override Task DisposeAsync()
    {
        _log?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
