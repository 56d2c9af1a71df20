using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Fhir;
using IoMT.Core.Timeline;
using static IoMT.Core.Tests.Fhir.FhirExportFixture;

namespace IoMT.Core.Tests.Fhir;

public class FhirExportTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    [Fact]
    public async Task Authorize_NurseOfThePatientsCareTeam_Allowed()
    {
        Assert.Null(await new FhirExportFixture().Export.AuthorizeAsync(Nurse, Request()));
    }

    [Fact]
    public async Task Authorize_NurseOfAnotherCareTeam_NotFoundLikeAnUnknownPatient()
    {
        var other = Nurse with { CareTeams = new HashSet<string> { "ward-9" } };
        var export = new FhirExportFixture().Export;

        var hidden = await export.AuthorizeAsync(other, Request());
        var unknown = await export.AuthorizeAsync(Nurse, Request("patient-404"));

        Assert.Equal((404, ApiError.PatientNotFound), (hidden!.Status, hidden.Code));
        Assert.Equal((unknown!.Status, unknown.Code), (hidden.Status, hidden.Code));
    }

    [Fact]
    public async Task Authorize_AdminOutsideEveryCareTeam_Allowed()
    {
        var admin = new Caller("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());

        Assert.Null(await new FhirExportFixture().Export.AuthorizeAsync(admin, Request()));
    }

    [Fact]
    public async Task Authorize_DeviceMakerEvenInTheCareTeam_Forbidden()
    {
        var maker = new Caller("maker", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string> { "ward-7" }, "Acme");

        var error = await new FhirExportFixture().Export.AuthorizeAsync(maker, Request());

        Assert.Equal((403, ApiError.Forbidden), (error!.Status, error.Code));
    }

    [Fact]
    public async Task Authorize_MalformedPatientId_InvalidParameter()
    {
        var error = await new FhirExportFixture().Export.AuthorizeAsync(Nurse, Request("../etc"));

        Assert.Equal((400, ApiError.ParameterInvalid, "id"), (error!.Status, error.Code, error.Field));
    }

    [Fact]
    public async Task Write_RecordsWhoExportedWhatOnThePatientsTimeline()
    {
        var fixture = new FhirExportFixture();

        await fixture.ExportAsync(T0, T0.AddHours(2));

        var audit = Assert.Single(fixture.Timeline.All, r => r.Type == TimelineEntryType.Audit);
        var entry = TimelineJson.Deserialize<AuditEntry>(audit.Data);
        Assert.Equal((Patient, "nurse-1", FhirExport.AuditAction, "2026-11-21T08:30:00Z/2026-11-21T10:30:00Z", fixture.Clock.GetUtcNow()),
            (audit.PatientId, entry.Actor, entry.Action, entry.Detail, audit.At));
    }

    [Fact]
    public void Parse_NoRange_TheLast24Hours()
    {
        var (request, error) = FhirExportRequest.Parse(Patient, null, null, Now);

        Assert.Null(error);
        Assert.Equal((Now.AddDays(-1), Now), (request!.From, request.To));
    }

    [Fact]
    public void Parse_OnlyTo_The24HoursBeforeIt()
    {
        var (request, _) = FhirExportRequest.Parse(Patient, null, "2026-11-20T00:00:00Z", Now);

        Assert.Equal(new DateTimeOffset(2026, 11, 19, 0, 0, 0, TimeSpan.Zero), request!.From);
    }

    [Fact]
    public void Parse_OffsetWhosePlusBecameASpace_ReadAsPlus()
    {
        var (request, error) = FhirExportRequest.Parse(Patient, "2026-11-21T09:30:00 01:00", "2026-11-21T12:00:00Z", Now);

        Assert.Null(error);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 30, 0, TimeSpan.Zero), request!.From.ToUniversalTime());
    }

    [Theory]
    [InlineData("yesterday", null, "from")]
    [InlineData("2026-11-21T08:30:00", null, "from")]
    [InlineData(null, "2026-11-21", "to")]
    [InlineData("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z", "from")]
    [InlineData("2026-11-21T11:00:00Z", "2026-11-21T10:00:00Z", "from")]
    [InlineData(null, "0001-01-01T00:00:00Z", "to")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "from")]
    public void Parse_BadRange_InvalidParameterNamingTheField(string? from, string? to, string field)
    {
        var (request, error) = FhirExportRequest.Parse(Patient, from, to, Now);

        Assert.Null(request);
        Assert.Equal((400, ApiError.ParameterInvalid, field), (error!.Status, error.Code, error.Field));
    }

    private static FhirExportRequest Request(string patientId = Patient) => new(patientId, T0, T0.AddHours(1));
}
