using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Access;

public class PatientServiceTests
{
    /// <summary>10:00 UTC: already the next day (7 December) in UTC+14.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    private static readonly Caller Nurse = new("nurse", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });
    private static readonly Caller OtherNurse = new("nurse-9", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-9" });
    private static readonly Caller Maker = new("acme", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string> { "ward-7" }, "Acme Medical");

    private readonly InMemoryPatientDirectory _directory = new();
    private readonly InMemoryTimelineStore _timeline = new();

    private PatientService Service => new(_directory, _timeline, new ManualClock(Now));

    [Fact]
    public async Task Save_Admin_CareTeamsSortedWithoutRepeats_ReadableByTheirNurse()
    {
        var saved = (await Service.SaveAsync(Admin, "patient-1", new PatientRequest(["ward-7", "copd-clinic", "ward-7"]))).Value!;

        Assert.Equal(["copd-clinic", "ward-7"], saved.CareTeams);
        Assert.Equal(saved, (await Service.GetAsync(Nurse, "patient-1")).Value);
    }

    [Fact]
    public async Task Save_EachChange_AuditedOnTheTimeline_WhoAndWhichParts_NeverTheirContents()
    {
        await Service.SaveAsync(Admin, "patient-1", new PatientRequest(["ward-7"]));
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));
        await Service.SaveAsync(Nurse, "patient-1", new PatientRequest(["ward-9"]));

        var audits = _timeline.All.Where(r => r.Type == TimelineEntryType.Audit).Select(r => JsonDocument.Parse(r.Data).RootElement).ToList();
        Assert.Equal(
            [("admin", "created"), ("admin", "changed displayName, birthDate, identifiers, location, contacts")],
            audits.Select(a => (a.GetProperty("actor").GetString(), a.GetProperty("detail").GetString())));
        Assert.All(audits, a => Assert.Equal(PatientService.AuditAction, a.GetProperty("action").GetString()));
        Assert.DoesNotContain(_timeline.All, r => r.Data.Contains("Ada", StringComparison.Ordinal) || r.Data.Contains("+44", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_Nurse_Forbidden_BadCareTeam_PointerToIt()
    {
        Assert.Equal(403, (await Service.SaveAsync(Nurse, "patient-1", new PatientRequest(["ward-7"]))).Error!.Status);
        Assert.Equal("/careTeams/1", (await Service.SaveAsync(Admin, "patient-1", new PatientRequest(["ward-7", "bad team"]))).Error!.Field);
        Assert.Equal(ApiError.ParameterInvalid, (await Service.SaveAsync(Admin, "bad id", new PatientRequest([]))).Error!.Code);
    }

    [Fact]
    public async Task Save_FullProfile_TrimmedAndStored_TheirNurseReadsIt()
    {
        var saved = await Service.SaveAsync(Admin, "patient-1", Request(FullBody));

        var read = (await Service.GetAsync(Nurse, "patient-1")).Value!;
        Assert.Equal(saved.Value, read);
        Assert.Equal("Ada Lovelace", read.DisplayName);
        Assert.Equal(new DateOnly(1950, 3, 14), read.BirthDate);
        Assert.Equal([new PatientIdentifier("https://hospital.example/mrn", "MRN-0012") { Type = "MR" }], read.Identifiers);
        Assert.Equal(new PatientLocation { Ward = "7", Room = "12", Bed = "B" }, read.Location);
        Assert.Equal(
            [new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Sms = "+447700900123", Webhook = "https://care.example.org/…" },
            new PatientContact("Alan Turing", "neighbour")],
            read.Contacts);
        Assert.Equal("https://care.example.org/hook", (await _directory.FindAsync("patient-1"))!.Contacts[0].Webhook);
    }

    [Theory]
    [InlineData("https://hooks.example.org/services/T0/B0/secret-token", "https://hooks.example.org/…")]
    [InlineData("https://care.example.org/hook?code=secret", "https://care.example.org/…")]
    [InlineData("https://care.example.org:8443/", "https://care.example.org:8443/")]
    [InlineData("https://care.example.org", "https://care.example.org/")]
    public async Task Get_Webhook_ShowsWhereItGoes_NeverItsPathOrQuery(string stored, string shown)
    {
        await Service.SaveAsync(Admin, "patient-1", Request($$"""{"careTeams": ["ward-7"], "contacts": [{"name": "Grace", "relation": "daughter", "webhook": "{{stored}}"}]}"""));

        Assert.Equal(shown, (await Service.GetAsync(Nurse, "patient-1")).Value!.Contacts[0].Webhook);
    }

    [Fact]
    public async Task Save_TheShownWebhookSentBack_KeepsTheStoredOne_ANewOneReplacesIt()
    {
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));
        var shown = (await Service.GetAsync(Admin, "patient-1")).Value!;
        var resent = new PatientRequest([.. shown.CareTeams]) { Contacts = [.. shown.Contacts.Select(c => new ContactRequest(c.Name, c.Relation, c.Caregiver, c.Email, c.Sms, c.Webhook))] };

        var saved = await Service.SaveAsync(Admin, "patient-1", resent);
        var kept = (await _directory.FindAsync("patient-1"))!.Contacts[0].Webhook;
        await Service.SaveAsync(Admin, "patient-1", resent with { Contacts = [new ContactRequest("Grace Hopper", "daughter", true, Webhook: "https://new.example.org/hook")] });
        var replaced = (await _directory.FindAsync("patient-1"))!.Contacts[0].Webhook;

        Assert.Equal("https://care.example.org/…", saved.Value!.Contacts[0].Webhook);
        Assert.Equal("https://care.example.org/hook", kept);
        Assert.Equal("https://new.example.org/hook", replaced);
    }

    [Fact]
    public async Task Save_AShownWebhookNoContactHas_RefusedWithItsPointer_NothingStored()
    {
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));

        var refused = await Service.SaveAsync(Admin, "patient-1", Request(
            """{"careTeams": ["ward-7"], "contacts": [{"name": "Alan Turing", "relation": "neighbour"}, {"name": "Alan Turing", "relation": "neighbour", "webhook": "https://care.example.org/…"}]}"""));

        Assert.Equal((ApiError.BodyInvalid, "/contacts/1/webhook"), (refused.Error!.Code, refused.Error.Field));
        Assert.Equal("Ada Lovelace", (await _directory.FindAsync("patient-1"))!.DisplayName);
    }

    [Fact]
    public async Task Save_OldBodyOverAProfile_ReplacesTheWholeRecord()
    {
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));

        var saved = (await Service.SaveAsync(Admin, "patient-1", Request("""{"careTeams": ["ward-9"]}"""))).Value!;

        Assert.Equal(new PatientRecord("patient-1", ["ward-9"]), saved);
        Assert.Equal(saved, await _directory.FindAsync("patient-1"));
    }

    [Fact]
    public async Task Save_Home_NoWardRoomOrBed()
    {
        var saved = (await Service.SaveAsync(Admin, "patient-1", Request("""{"careTeams": ["ward-7"], "location": {"home": true}}"""))).Value!;

        Assert.Equal(new PatientLocation { Home = true }, saved.Location);
    }

    [Theory]
    [InlineData("""{"displayName": ""}""", "/displayName")]
    [InlineData("""{"displayName": "   "}""", "/displayName")]
    [InlineData("""{"displayName": "Ada\u0007"}""", "/displayName")]
    [InlineData("""{"birthDate": "14/03/1950"}""", "/birthDate")]
    [InlineData("""{"birthDate": "1950-02-30"}""", "/birthDate")]
    [InlineData("""{"birthDate": "1950-03-14T00:00:00Z"}""", "/birthDate")]
    [InlineData("""{"birthDate": "1899-12-31"}""", "/birthDate")]
    [InlineData("""{"birthDate": "2026-12-08"}""", "/birthDate")]
    [InlineData("""{"identifiers": [null]}""", "/identifiers/0")]
    [InlineData("""{"identifiers": [{"value": "MRN-1"}]}""", "/identifiers/0/system")]
    [InlineData("""{"identifiers": [{"system": "hospital/mrn", "value": "MRN-1"}]}""", "/identifiers/0/system")]
    [InlineData("""{"identifiers": [{"system": "urn:oid:1.2.3", "value": "MRN-1"}, {"system": "urn:oid:1.2.3", "value": ""}]}""", "/identifiers/1/value")]
    [InlineData("""{"identifiers": [{"system": "urn:oid:1.2.3", "value": "MRN-1", "type": "XX"}]}""", "/identifiers/0/type")]
    [InlineData("""{"identifiers": [{"system": "urn:oid:1.2.3", "value": "MRN-1"}, {"system": "urn:oid:1.2.3", "value": " MRN-1"}]}""", "/identifiers/1")]
    [InlineData("""{"location": {}}""", "/location/ward")]
    [InlineData("""{"location": {"home": false, "room": "12"}}""", "/location/ward")]
    [InlineData("""{"location": {"home": true, "ward": "7"}}""", "/location")]
    [InlineData("""{"location": {"ward": "7", "room": ""}}""", "/location/room")]
    [InlineData("""{"location": {"ward": "7", "bed": "\t"}}""", "/location/bed")]
    [InlineData("""{"contacts": [{"relation": "son"}]}""", "/contacts/0/name")]
    [InlineData("""{"contacts": [{"name": "Grace"}]}""", "/contacts/0/relation")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "caregiver": true}]}""", "/contacts/0")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "email": "grace.example.org"}]}""", "/contacts/0/email")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "email": "grace@example"}]}""", "/contacts/0/email")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "email": "gr ace@example.org"}]}""", "/contacts/0/email")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "sms": "07700900123"}]}""", "/contacts/0/sms")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "sms": "+0447700900123"}]}""", "/contacts/0/sms")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "sms": "+4477009001234567"}]}""", "/contacts/0/sms")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "sms": "+44 7700 900123"}]}""", "/contacts/0/sms")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "webhook": "http://care.example.org/hook"}]}""", "/contacts/0/webhook")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "webhook": "/hook"}]}""", "/contacts/0/webhook")]
    [InlineData("""{"contacts": [{"name": "Grace", "relation": "daughter", "webhook": "https://user:secret@care.example.org/hook"}]}""", "/contacts/0/webhook")]
    public async Task Save_InvalidMember_PointerToIt_NothingWritten(string body, string pointer)
    {
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));

        var error = (await Service.SaveAsync(Admin, "patient-1", Request(body))).Error!;

        Assert.Equal((ApiError.BodyInvalid, pointer), (error.Code, error.Field));
        Assert.Equal("Ada Lovelace", (await _directory.FindAsync("patient-1"))!.DisplayName);
    }

    [Theory]
    [InlineData("displayName", 200)]
    [InlineData("ward", 64)]
    [InlineData("room", 64)]
    [InlineData("bed", 64)]
    [InlineData("value", 100)]
    [InlineData("name", 200)]
    [InlineData("relation", 64)]
    public async Task Save_TextAtItsLimit_Accepted_OneMore_Refused(string member, int limit)
    {
        string Body(int length)
        {
            var text = new string('x', length);
            string Of(string name, string fallback) => name == member ? text : fallback;
            return JsonSerializer.Serialize(new
            {
                displayName = Of("displayName", "Ada"),
                identifiers = new[] { new { system = "urn:oid:1.2.3", value = Of("value", "MRN-1") } },
                location = new { ward = Of("ward", "7"), room = Of("room", "12"), bed = Of("bed", "B") },
                contacts = new[] { new { name = Of("name", "Grace"), relation = Of("relation", "daughter") } },
            });
        }

        Assert.True((await Service.SaveAsync(Admin, "patient-1", Request(Body(limit)))).IsSuccess);
        Assert.EndsWith("/" + member, (await Service.SaveAsync(Admin, "patient-1", Request(Body(limit + 1)))).Error!.Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1900-01-01")]
    [InlineData("2026-12-07")]
    public async Task Save_BirthDateAtTheLimits_Accepted(string birthDate)
    {
        var saved = await Service.SaveAsync(Admin, "patient-1", Request($$"""{"birthDate": "{{birthDate}}"}"""));

        Assert.Equal(DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture), saved.Value!.BirthDate);
    }

    [Theory]
    [InlineData("identifiers")]
    [InlineData("contacts")]
    public async Task Save_TwentyOfEach_Accepted_TwentyOne_Refused(string member)
    {
        string Body(int count) => member == "identifiers"
            ? JsonSerializer.Serialize(new { identifiers = Enumerable.Range(0, count).Select(i => new { system = "urn:oid:1.2.3", value = $"MRN-{i}" }) })
            : JsonSerializer.Serialize(new { contacts = Enumerable.Range(0, count).Select(i => new { name = $"Contact {i}", relation = "friend" }) });

        var saved = (await Service.SaveAsync(Admin, "patient-1", Request(Body(20)))).Value!;

        Assert.Equal(20, saved.Identifiers.Count + saved.Contacts.Count);
        Assert.Equal("/" + member, (await Service.SaveAsync(Admin, "patient-1", Request(Body(21)))).Error!.Field);
    }

    [Fact]
    public async Task Get_CallersWhoMayNotReadThePatient_NoProfileInTheAnswer()
    {
        await Service.SaveAsync(Admin, "patient-1", Request(FullBody));

        var maker = (await Service.GetAsync(Maker, "patient-1")).Error!;
        var otherNurse = (await Service.GetAsync(OtherNurse, "patient-1")).Error!;

        Assert.Equal((403, 404), (maker.Status, otherNurse.Status));
        foreach (var error in new[] { maker, otherNurse })
        {
            Assert.DoesNotContain("Lovelace", JsonSerializer.Serialize(error), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ToString_Record_NoProfileInIt()
    {
        var saved = (await Service.SaveAsync(Admin, "patient-1", Request(FullBody))).Value!;

        var text = saved.ToString() + string.Join(",", saved.Contacts) + string.Join(",", saved.Identifiers) + saved.Location;

        Assert.Contains("patient-1", text, StringComparison.Ordinal);
        foreach (var phi in new[] { "Lovelace", "1950", "MRN-0012", "Grace", "example.org", "+4477", "12" })
        {
            Assert.DoesNotContain(phi, text, StringComparison.Ordinal);
        }
    }

    internal const string FullBody = """
        {"careTeams": ["ward-7"], "displayName": " Ada Lovelace ", "birthDate": "1950-03-14",
         "identifiers": [{"system": "https://hospital.example/mrn", "value": "MRN-0012", "type": "MR"}],
         "location": {"ward": "7", "room": "12", "bed": "B"},
         "contacts": [{"name": "Grace Hopper", "relation": "daughter", "caregiver": true, "email": "grace@example.org", "sms": "+447700900123",
                       "webhook": "https://care.example.org/hook"},
                      {"name": "Alan Turing", "relation": "neighbour"}]}
        """;

    /// <summary>A request as the API reads it (web defaults: camelCase, any case).</summary>
    internal static PatientRequest Request(string json) => JsonSerializer.Deserialize<PatientRequest>(json, WebJson)!;

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);
}
