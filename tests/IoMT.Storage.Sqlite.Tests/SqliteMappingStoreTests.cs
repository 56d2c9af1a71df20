using IoMT.Core.Mapping;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteMappingStoreTests : MappingStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-mappings-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteMappingStore _store;

    public SqliteMappingStoreTests()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteMappingStore(Path.Combine(_directory, "mappings.db"));
    }

    protected override IMappingStore Store => _store;

    [Fact]
    public async Task Reopened_KeepsVersionsAndTheActiveChoice()
    {
        var scope = new MappingScope("Acme Medical", "AC-200");
        await _store.AddAsync(scope, "{\"v\":1}", "cuff", "admin", DateTimeOffset.UnixEpoch);
        await _store.SetActiveAsync(scope, new ActiveMapping(scope, 1, DateTimeOffset.UnixEpoch, "admin"));
        _store.Dispose();

        using var reopened = new SqliteMappingStore(Path.Combine(_directory, "mappings.db"));

        Assert.Equal("cuff", Assert.Single(await reopened.ListAsync()).Description);
        Assert.Equal(scope, Assert.Single(await reopened.ListActiveAsync()).Scope);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
