using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteClinicalSettingsStoreTests : ClinicalSettingsStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-settings-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteClinicalSettingsStore _store;

    public SqliteClinicalSettingsStoreTests()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteClinicalSettingsStore(Path.Combine(_directory, "clinical-settings.db"));
    }

    protected override Task<IClinicalSettingsStore> CreateStoreAsync() => Task.FromResult<IClinicalSettingsStore>(_store);

    [Fact]
    public async Task Reopened_KeepsSettingsAndHistory()
    {
        await _store.SaveAsync("patient-1", Change(0, Copd, "COPD"));
        _store.Dispose();

        using var reopened = new SqliteClinicalSettingsStore(Path.Combine(_directory, "clinical-settings.db"));

        AssertSame(Copd, (await reopened.FindManyAsync(["patient-1"]))["patient-1"]);
        Assert.Equal("COPD", Assert.Single(await reopened.HistoryAsync("patient-1", 10)).Reason);
    }

    [Fact]
    public async Task FindMany_FiveThousandPatients_NoParameterLimit()
    {
        await _store.SaveAsync("patient-4999", Change(0, Copd));

        var found = await _store.FindManyAsync(Enumerable.Range(0, 5_000).Select(i => $"patient-{i}"));

        Assert.Equal(["patient-4999"], found.Keys);
    }

    public override Task DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
