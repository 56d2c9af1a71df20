using IoMT.Core.Patients;
using Xunit;

namespace IoMT.Testing;

/// <summary>What every <see cref="IPatientDirectory"/> must do; each directory's tests derive from this.</summary>
public abstract class PatientDirectoryContract : IAsyncLifetime
{
    private IPatientDirectory? _directory;

    /// <summary>A patient with every part of a profile: identity, two identifiers (one typed), a bed, a caregiver reachable three ways and a neighbour.</summary>
    public static PatientRecord Profiled(string id, params string[] careTeams) => new(id, careTeams)
    {
        DisplayName = "Ada Lovelace",
        BirthDate = new DateOnly(1950, 3, 14),
        Identifiers = [new PatientIdentifier("https://hospital.example/mrn", "MRN-0012") { Type = "MR" }, new PatientIdentifier("urn:oid:1.2.3", "X-1")],
        Location = new PatientLocation { Ward = "7", Room = "12", Bed = "B" },
        Contacts =
        [
            new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Sms = "+447700900123", Webhook = "https://care.example.org/hook" },
            new PatientContact("Alan Turing", "neighbour"),
        ],
    };

    protected IPatientDirectory Directory => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _directory ?? throw new InvalidOperationException("The directory is created in InitializeAsync.");

    /// <summary>Why the directory cannot be tested here (a live service not configured), or null.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>An empty directory of its own for each test.</summary>
    protected abstract Task<IPatientDirectory> CreateDirectoryAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _directory = await CreateDirectoryAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Save_Profile_FoundAndListedWithIt()
    {
        await Directory.SaveAsync(new PatientRecord("patient-2", ["ward-7"]));
        await Directory.SaveAsync(Profiled("patient-1", "copd-clinic", "ward-7"));
        await Directory.SaveAsync(new PatientRecord("patient-3", ["ward-9"]) { Location = new PatientLocation { Home = true } });

        Assert.Equal(Profiled("patient-1", "copd-clinic", "ward-7"), await Directory.FindAsync("patient-1"));
        Assert.Equal([Profiled("patient-1", "copd-clinic", "ward-7"), new PatientRecord("patient-2", ["ward-7"])], await Directory.ListAsync(["ward-7"], 10));
        Assert.Equal(new PatientRecord("patient-3", ["ward-9"]) { Location = new PatientLocation { Home = true } }, Assert.Single(await Directory.ListAsync(["ward-9"], 10)));
        Assert.Equal(["patient-1", "patient-2"], (await Directory.ListAsync(null, 2)).Select(p => p.Id));
        Assert.Null(await Directory.FindAsync("patient-4"));
    }

    [SkippableFact]
    public async Task Save_AgainWithoutAProfile_TheRecordIsReplacedWhole()
    {
        await Directory.SaveAsync(Profiled("patient-1", "ward-7"));

        await Directory.SaveAsync(new PatientRecord("patient-1", ["ward-9"]) { DisplayName = "Ada Byron" });

        Assert.Equal(new PatientRecord("patient-1", ["ward-9"]) { DisplayName = "Ada Byron" }, await Directory.FindAsync("patient-1"));
        Assert.Empty(await Directory.ListAsync(["ward-7"], 10));
    }
}
