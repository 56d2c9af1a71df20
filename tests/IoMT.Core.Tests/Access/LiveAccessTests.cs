using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Access;

public sealed class LiveAccessTests
{
    private static readonly Caller Nurse = new("nurse-7", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });

    [Fact]
    public async Task Decide_PatientMovedToAnotherCareTeam_SkipsTheirLaterEvents()
    {
        var patients = new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"]));
        var access = new LiveAccess(_ => Task.FromResult<Caller?>(Nurse), patients);
        var before = await access.DecideAsync("patient-1");

        await patients.SaveAsync(new PatientRecord("patient-1", ["ward-9"]));

        Assert.Equal(LiveDecision.Send, before);
        Assert.Equal(LiveDecision.Skip, await access.DecideAsync("patient-1"));
        Assert.Equal(LiveDecision.Skip, await access.DecideAsync("nobody"));
    }

    [Fact]
    public async Task Decide_CallerNoLongerSignsIn_Ends()
    {
        Caller? caller = Nurse;
        var access = new LiveAccess(_ => Task.FromResult<Caller?>(caller), new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"])));
        Assert.True(await access.SignedInAsync());

        caller = null;

        Assert.Equal(LiveDecision.End, await access.DecideAsync("patient-1"));
        Assert.False(await access.SignedInAsync());
    }

    [Fact]
    public async Task Decide_CallerLeftTheCareTeam_SkipsTheirPatients()
    {
        var caller = Nurse;
        var access = new LiveAccess(_ => Task.FromResult<Caller?>(caller), new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"])));

        caller = Nurse with { CareTeams = new HashSet<string> { "ward-9" } };

        Assert.Equal(LiveDecision.Skip, await access.DecideAsync("patient-1"));
    }
}
