using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqlitePatientDirectoryTests : PatientDirectoryContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "iomt-patients-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDirectory _directory;

    public SqlitePatientDirectoryTests()
    {
        _directory = new SqliteDirectory(Path.Combine(_folder, "directory.db"));
    }

    protected override Task<IPatientDirectory> CreateDirectoryAsync() => Task.FromResult<IPatientDirectory>(_directory);

    [Fact]
    public async Task Open_DirectoryOfTheSchemaBeforeProfiles_UpgradedItsPatientsReadWithoutOne()
    {
        var path = Path.Combine(_folder, "v2.db");
        using (var v2 = new SqliteDatabase(path, [.. SqliteDirectory.Migrations.Where(m => m.Version <= 2)], SqliteDurability.Full))
        {
            await v2.WriteAsync((connection, transaction) =>
            {
                SqliteCommands.Execute(connection, transaction, "INSERT INTO patients (id) VALUES ('patient-1')");
                SqliteCommands.Execute(connection, transaction, "INSERT INTO patient_care_teams (patient_id, care_team) VALUES ('patient-1', 'ward-7')");
                return 0;
            });
        }

        using var upgraded = new SqliteDirectory(path);

        Assert.Equal(new PatientRecord("patient-1", ["ward-7"]), await upgraded.FindAsync("patient-1"));
        await upgraded.SaveAsync(Profiled("patient-1", "ward-7"));
        Assert.Equal(Profiled("patient-1", "ward-7"), await upgraded.FindAsync("patient-1"));
    }

    public void Dispose()
    {
        _directory.Dispose();
        System.IO.Directory.Delete(_folder, recursive: true);
    }
}
