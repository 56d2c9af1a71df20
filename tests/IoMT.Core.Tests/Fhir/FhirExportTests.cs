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
    public async Task Write_Profile_PatientWithNameIdentifiersAndBirthDate_ContactsAsRelatedPersons()
    {
        var fixture = new FhirExportFixture();
        await fixture.Patients.SaveAsync(Profiled);

        var bundle = await fixture.ExportAsync();

        var patient = Resources(bundle, "Patient").Single();
        Assert.Equal("""[{"use":"usual","text":"Ada Lovelace"}]""", Text(patient["name"]));
        Assert.Equal("1950-03-14", (string?)patient["birthDate"]);
        Assert.Equal(
            """[{"system":"urn:iomt-cloud:patient-id","value":"patient-1"},""" +
            """{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR","display":"Medical record number"}]},"system":"https://hospital.example/mrn","value":"MRN-0012"},""" +
            """{"system":"urn:oid:2.16.840.1.113883.2.1.4.1","value":"9434765919"}]""",
            Text(patient["identifier"]));
        var related = Resources(bundle, "RelatedPerson").ToList();
        Assert.Equal(2, related.Count);
        Assert.All(related, r => Assert.Equal(FhirIds.Patient(Patient).Reference, (string?)r["patient"]!["reference"]));
        Assert.Equal("""[{"text":"daughter"},{"text":"caregiver"}]""", Text(related[0]["relationship"]));
        Assert.Equal("""[{"use":"usual","text":"Grace Hopper"}]""", Text(related[0]["name"]));
        Assert.Equal(
            """[{"system":"email","value":"grace@example.org"},{"system":"sms","value":"\u002B447700900123"},{"system":"url","value":"https://care.example.org/\u2026"}]""",
            Text(related[0]["telecom"]));
        Assert.Equal(("""[{"text":"neighbour"}]""", null), (Text(related[1]["relationship"]), related[1]["telecom"]));
    }

    [Fact]
    public async Task Write_CallerWhoMayNotReadThePatient_NoIdentityInTheBundle()
    {
        var fixture = new FhirExportFixture();
        await fixture.Patients.SaveAsync(Profiled);
        var otherNurse = new Caller("nurse-9", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-9" });

        var bundle = await fixture.ExportAsync(caller: otherNurse);

        Assert.Equal("""[{"system":"urn:iomt-cloud:patient-id","value":"patient-1"}]""", Text(Resources(bundle, "Patient").Single()["identifier"]));
        Assert.Empty(Resources(bundle, "RelatedPerson"));
        Assert.DoesNotContain("Lovelace", bundle.ToJsonString(), StringComparison.Ordinal);
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
