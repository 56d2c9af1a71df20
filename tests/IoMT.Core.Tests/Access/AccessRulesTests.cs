using IoMT.Core.Access;
using IoMT.Core.Patients;

namespace IoMT.Core.Tests.Access;

public class AccessRulesTests
{
    private static readonly PatientRecord Patient = new("patient-1", ["ward-7", "diabetes-clinic"]);

    [Theory]
    [InlineData(Role.CareCoordinator, "ward-7", true)]
    [InlineData(Role.Nurse, "diabetes-clinic", true)]
    [InlineData(Role.Physician, "ward-9", false)]
    [InlineData(Role.DeviceMaker, "ward-7", false)]
    [InlineData(Role.Admin, "none", true)]
    public void CanReadPatient_ByRoleAndCareTeam(Role role, string careTeam, bool expected)
    {
        var caller = new Caller("u", new HashSet<Role> { role }, new HashSet<string> { careTeam });

        Assert.Equal(expected, AccessRules.CanReadPatient(caller, Patient));
    }

    [Fact]
    public void CanReadPatient_ClinicianWithoutCareTeams_No()
    {
        var caller = new Caller("u", new HashSet<Role> { Role.Nurse }, new HashSet<string>());

        Assert.False(AccessRules.CanReadPatient(caller, Patient));
    }

    [Fact]
    public void Roles_EveryRole_RoundTripsThroughItsContractName()
    {
        Assert.Equal(["care-coordinator", "nurse", "physician", "device-maker", "admin"], Roles.All.Select(r => r.Name()));
        Assert.All(Roles.All, role => Assert.True(Roles.TryParse(role.Name(), out var parsed) && parsed == role));
        Assert.False(Roles.TryParse("Admin", out _));
        Assert.False(Roles.TryParse(null, out _));
    }
}
