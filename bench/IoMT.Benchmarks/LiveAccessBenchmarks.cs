using BenchmarkDotNet.Attributes;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Storage.Sqlite;

namespace IoMT.Benchmarks;

/// <summary>
/// What the live feed costs per event and open stream now that access is decided again for each event: the caller as
/// their token resolves now and the patient's care teams, from a directory of 1,000 users and 1,000 patients.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LiveAccessBenchmarks
{
    private string _folder = null!;
    private SqliteDirectory _directory = null!;
    private LiveAccess _access = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("iomt-live-bench-").FullName;
        _directory = new SqliteDirectory(Path.Combine(_folder, "directory.db"));
        string token = "";
        for (var i = 0; i < 1_000; i++)
        {
            var team = $"ward-{i % 50}";
            _directory.SaveAsync(new PatientRecord($"patient-{i}", [team])).GetAwaiter().GetResult();
            _directory.SaveUserAsync(new LocalUser($"nurse-{i}", [Role.Nurse], [team])).GetAwaiter().GetResult();
            token = _directory.IssueTokenAsync($"nurse-{i}", "bench", DateTimeOffset.UtcNow).GetAwaiter().GetResult();
        }

        _access = new LiveAccess(cancellationToken => _directory.FindCallerAsync(token, DateTimeOffset.UtcNow, cancellationToken), _directory);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _directory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>One event for one open stream: a patient of the caller's care team (sent).</summary>
    [Benchmark]
    public Task<LiveDecision> EventOfTheirPatient() => _access.DecideAsync("patient-999");

    /// <summary>One event for one open stream: another team's patient (skipped).</summary>
    [Benchmark]
    public Task<LiveDecision> EventOfAnotherTeamsPatient() => _access.DecideAsync("patient-0");
}
