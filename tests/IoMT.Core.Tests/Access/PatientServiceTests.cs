using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Access;

public class PatientServiceTests
{
    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    private static readonly Caller Nurse = new("nurse", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });

    [Fact]
    public async Task Save_Admin_CareTeamsSortedWithoutRepeats_ReadableByTheirNurse()
    {
        var service = new PatientService(new InMemoryPatientDirectory());

        var saved = (await service.SaveAsync(Admin, "patient-1", new PatientRequest(["ward-7", "copd-clinic", "ward-7"]))).Value!;

        Assert.Equal(["copd-clinic", "ward-7"], saved.CareTeams);
        Assert.Equal(saved, (await service.GetAsync(Nurse, "patient-1")).Value);
    }

    [Fact]
    public async Task Save_Nurse_Forbidden_BadCareTeam_PointerToIt()
    {
        var service = new PatientService(new InMemoryPatientDirectory());

        Assert.Equal(403, (await service.SaveAsync(Nurse, "patient-1", new PatientRequest(["ward-7"]))).Error!.Status);
        Assert.Equal("/careTeams/1", (await service.SaveAsync(Admin, "patient-1", new PatientRequest(["ward-7", "bad team"]))).Error!.Field);
        Assert.Equal(ApiError.ParameterInvalid, (await service.SaveAsync(Admin, "bad id", new PatientRequest([]))).Error!.Code);
    }
}
