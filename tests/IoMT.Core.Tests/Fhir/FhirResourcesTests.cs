using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Fhir;
using IoMT.Core.Notifications;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Testing;
using static IoMT.Core.Tests.Fhir.FhirExportFixture;

namespace IoMT.Core.Tests.Fhir;

public class FhirResourcesTests
{
    private const string VitalSigns = """{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"Vital Signs"}]}""";

    [Theory]
    [InlineData("8867-4", "heartrate", 72.0, "/min")]
    [InlineData("9279-1", "resprate", 16.0, "/min")]
    [InlineData("2708-6", "oxygensat", 97.0, "%")]
    [InlineData("8310-5", "bodytemp", 37.0, "Cel")]
    [InlineData("29463-7", "bodyweight", 79.832, "kg")]
    public async Task Export_VitalSign_FollowsTheR4VitalSignsProfile(string loinc, string profile, double value, string ucum)
    {
        var bundle = await AllKindsAsync();

        var observation = Observation(bundle, loinc);

        Assert.Equal($"http://hl7.org/fhir/StructureDefinition/{profile}", (string?)observation["meta"]!["profile"]![0]);
        Assert.Equal("final", (string?)observation["status"]);
        Assert.Equal($"[{VitalSigns}]", Text(observation["category"]));
        Assert.Equal(("http://loinc.org", loinc), ((string?)observation["code"]!["coding"]![0]!["system"], (string?)observation["code"]!["coding"]![0]!["code"]));
        Assert.Equal($$"""{"value":{{value}},"unit":"{{ucum}}","system":"http://unitsofmeasure.org","code":"{{ucum}}"}""", Text(observation["valueQuantity"]));
        Assert.Equal("2026-11-21T08:30:00Z", (string?)observation["effectiveDateTime"]);
        AssertReferences(bundle, observation["subject"], "Patient", FhirIds.PatientIdSystem, Patient);
        AssertReferences(bundle, observation["device"], "Device", FhirIds.DeviceIdSystem, Device);
    }

    [Theory]
    [InlineData("20150-9", 1.42, "L")]
    [InlineData("19870-5", 2.61, "L")]
    [InlineData("19935-6", 310.0, "L/min")]
    public async Task Export_Spirometry_LoincCodedQuantityInUcum(string loinc, double value, string ucum)
    {
        var bundle = await AllKindsAsync();

        var observation = Observation(bundle, loinc);

        Assert.Equal(("final", "http://loinc.org", loinc), ((string?)observation["status"], (string?)observation["code"]!["coding"]![0]!["system"], (string?)observation["code"]!["coding"]![0]!["code"]));
        Assert.Equal($$"""{"value":{{value}},"unit":"{{ucum}}","system":"http://unitsofmeasure.org","code":"{{ucum}}"}""", Text(observation["valueQuantity"]));
        AssertReferences(bundle, observation["device"], "Device", FhirIds.DeviceIdSystem, Device);
    }

    [Fact]
    public async Task Export_Spo2_CodedAsOxygenSaturationAndPulseOximetry()
    {
        var observation = Observation(await AllKindsAsync(), "2708-6");

        Assert.Equal(["2708-6", "59408-5"], observation["code"]!["coding"]!.AsArray().Select(c => (string?)c!["code"]));
    }

    [Fact]
    public async Task Export_BloodPressure_PanelWithSystolicAndDiastolicComponentsAndNoValue()
    {
        var observation = Observation(await AllKindsAsync(), "85354-9");

        Assert.Equal("http://hl7.org/fhir/StructureDefinition/bp", (string?)observation["meta"]!["profile"]![0]);
        Assert.Equal($"[{VitalSigns}]", Text(observation["category"]));
        Assert.Null(observation["valueQuantity"]);
        var components = observation["component"]!.AsArray();
        Assert.Equal(["8480-6", "8462-4"], components.Select(c => (string?)c!["code"]!["coding"]![0]!["code"]));
        Assert.Equal(
            ["""{"value":121,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}""", """{"value":79,"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}"""],
            components.Select(c => Text(c!["valueQuantity"])));
    }

    [Fact]
    public async Task Export_CgmGlucose_FollowsTheCgmSensorReadingProfileInMgPerDl()
    {
        var observation = Observation(await AllKindsAsync(), "99504-3");

        Assert.Equal(FhirResources.CgmSensorReadingProfile, (string?)observation["meta"]!["profile"]![0]);
        Assert.Equal("laboratory", (string?)observation["category"]![0]!["coding"]![0]!["code"]);
        Assert.Equal("""{"value":99.088,"unit":"mg/dl","system":"http://unitsofmeasure.org","code":"mg/dL"}""", Text(observation["valueQuantity"]));
        Assert.NotNull(observation["subject"]);
        Assert.NotNull(observation["effectiveDateTime"]);
    }

    [Fact]
    public async Task Export_MeterGlucose_CapillaryBloodLoinc()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).Add(new JsonObject
        {
            ["kind"] = "glucose",
            ["value"] = 112,
            ["unit"] = "mg/dL",
            ["method"] = "meter",
            ["at"] = TelemetryMessage.Iso(T0),
        }).Received());

        var observation = Observation(await fixture.ExportAsync(), "41653-7");

        Assert.Null(observation["meta"]);
        Assert.Equal("""{"value":112,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}""", Text(observation["valueQuantity"]));
    }

    [Fact]
    public async Task Export_CodedAndSupplementReadings_ValuesAsConceptsAndBoolean()
    {
        var bundle = await AllKindsAsync();

        Assert.Equal("sinus", (string?)Observation(bundle, "8884-9")["valueCodeableConcept"]!["coding"]![0]!["code"]);
        Assert.Equal("A", (string?)Observation(bundle, Codes.Acvpu.Code)["valueCodeableConcept"]!["coding"]![0]!["code"]);
        Assert.False((bool)Observation(bundle, Codes.OxygenSupplement.Code)["valueBoolean"]!);
        Assert.Equal(55.0, (double)Observation(bundle, Codes.Battery.Code)["valueQuantity"]!["value"]!);
        Assert.Equal("Cel", (string?)Observation(bundle, Codes.StorageTemperature.Code)["valueQuantity"]!["code"]);
    }

    [Fact]
    public async Task Export_Inhaler_CompletedAdministrationOfPuffs()
    {
        var administration = Administration(await AllKindsAsync(), "salbutamol-100mcg");

        Assert.Equal("completed", (string?)administration["status"]);
        Assert.Equal("""{"value":2,"unit":"puff","system":"http://unitsofmeasure.org","code":"{puff}"}""", Text(administration["dosage"]!["dose"]));
        Assert.Equal("2026-11-21T08:30:00Z", (string?)administration["effectiveDateTime"]);
        Assert.NotNull(administration["device"]![0]!["reference"]);
    }

    [Theory]
    [InlineData("taken", "completed", null)]
    [InlineData("missed", "not-done", "Dose missed: not taken in its window")]
    [InlineData("skipped", "not-done", "Dose skipped by the patient")]
    public async Task Export_DoseEvent_AdministrationWithItsScheduledTimeAsTheRequestsTiming(string doseEvent, string status, string? reason)
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).Add(DoseEvent(doseEvent, T0, T0.AddMinutes(-30))).Received());

        var administration = Administration(await fixture.ExportAsync(), "metformin-500mg");

        Assert.Equal(status, (string?)administration["status"]);
        Assert.Equal(reason, (string?)administration["statusReason"]?[0]!["text"]);
        Assert.Equal("2026-11-21T08:30:00Z", (string?)administration["effectiveDateTime"]);
        Assert.Null(administration["note"]);
        AssertScheduledFor(administration, administration["request"], "2026-11-21T08:00:00Z");
    }

    [Fact]
    public async Task Export_DispenserRelease_MedicationDispenseReadyForPickup()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).Add(DoseEvent("dispensed", T0, T0.AddMinutes(-2))).Received());

        var bundle = await fixture.ExportAsync();

        Assert.Empty(Resources(bundle, "MedicationAdministration"));
        var dispense = Assert.Single(Resources(bundle, "MedicationDispense"));
        Assert.Equal(("in-progress", "2026-11-21T08:30:00Z", "metformin-500mg"),
            ((string?)dispense["status"], (string?)dispense["whenPrepared"], (string?)dispense["medicationCodeableConcept"]!["text"]));
        AssertReferences(bundle, dispense["performer"]![0]!["actor"], "Device", FhirIds.DeviceIdSystem, Device);
        AssertReferences(bundle, dispense["subject"], "Patient", FhirIds.PatientIdSystem, Patient);
        AssertScheduledFor(dispense, dispense["authorizingPrescription"]![0], "2026-11-21T08:28:00Z");
    }

    [Fact]
    public async Task Export_DoseTheScheduleMarkedMissed_NotDoneAdministrationAtItsScheduledTime()
    {
        var fixture = new FhirExportFixture();
        await fixture.Timeline.AppendAsync("b", [DoseRecord(T0, DoseStatus.Missed)]);

        var administration = Administration(await fixture.ExportAsync(), "metformin-500mg");

        Assert.Equal(("not-done", "Dose missed: not taken in its window", "2026-11-21T08:30:00Z"),
            ((string?)administration["status"], (string?)administration["statusReason"]![0]!["text"], (string?)administration["effectiveDateTime"]));
        AssertScheduledFor(administration, administration["request"], "2026-11-21T08:30:00Z");
    }

    [Fact]
    public async Task Export_MissedDoseReportedAndRecordedBySchedule_OneAdministration()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).Add(DoseEvent("missed", T0.AddMinutes(40), T0)).Received());
        await fixture.Timeline.AppendAsync("b", [DoseRecord(T0, DoseStatus.Missed), DoseRecord(T0.AddHours(-12), DoseStatus.Taken, T0.AddHours(-11))]);

        var bundle = await fixture.ExportAsync(T0.AddHours(-13), T0.AddHours(1));

        Assert.Equal("not-done", (string?)Assert.Single(Resources(bundle, "MedicationAdministration"))["status"]);
    }

    internal static JsonObject DoseEvent(string doseEvent, DateTimeOffset at, DateTimeOffset scheduledFor) => new()
    {
        ["kind"] = "doseEvent",
        ["medicationId"] = "metformin-500mg",
        ["event"] = doseEvent,
        ["scheduledFor"] = TelemetryMessage.Iso(scheduledFor),
        ["at"] = TelemetryMessage.Iso(at),
    };

    /// <summary>An adherence entry, as the medication workflow records a dose's outcome.</summary>
    internal static TimelineRecord DoseRecord(DateTimeOffset scheduledAt, DoseStatus status, DateTimeOffset? takenAt = null) =>
        new($"ad_{scheduledAt.UtcTicks}_{status}", Patient, takenAt ?? scheduledAt, TimelineEntryType.Adherence, "metformin-500mg", null, null, null,
            WorkflowJson.Serialize(new DoseOutcome("metformin-500mg", scheduledAt, status, takenAt)));

    /// <summary>The reference points at a contained MedicationRequest whose timing is the dose's scheduled time.</summary>
    private static void AssertScheduledFor(JsonObject resource, JsonNode? reference, string scheduledAt)
    {
        var request = resource["contained"]!.AsArray().Single(c => "#" + (string?)c!["id"] == (string?)reference!["reference"])!;
        Assert.Equal(("MedicationRequest", "instance-order"), ((string?)request["resourceType"], (string?)request["intent"]));
        Assert.Equal($"""["{scheduledAt}"]""", Text(request["dosageInstruction"]![0]!["timing"]!["event"]));
    }

    [Fact]
    public async Task Export_CompleteNews2_FinalWithBandSubScoresAndTheReadingsItCameFrom()
    {
        var bundle = await AllKindsAsync();

        var score = Observation(bundle, Codes.News2.Code);

        Assert.Equal(("final", "survey", 0), ((string?)score["status"], (string?)score["category"]![0]!["coding"]![0]!["code"], (int)score["valueInteger"]!));
        var components = score["component"]!.AsArray();
        Assert.Equal("""{"coding":[{"system":"urn:iomt-cloud:news2-band","code":"low","display":"Low (aggregate 0-4)"}],"text":"Low (aggregate 0-4)"}""",
            Text(components[0]!["valueCodeableConcept"]));
        Assert.Equal(["respiratory-rate", "spo2", "air-or-oxygen", "systolic", "pulse", "consciousness", "temperature"],
            components.Skip(1).Select(c => (string?)c!["code"]!["coding"]![0]!["code"]));
        Assert.All(components.Skip(1), c => Assert.Equal(0, (int)c!["valueInteger"]!));
        var sources = score["derivedFrom"]!.AsArray().Select(r => Resource(bundle, (string)r!["reference"]!)).ToList();
        Assert.Equal(
            new[] { "8867-4", "9279-1", "2708-6", "8310-5", "85354-9", "1104441000000107", "oxygen-supplement" }.Order(),
            sources.Select(o => (string)o["code"]!["coding"]![0]!["code"]!).Order());
    }

    [Fact]
    public async Task Export_News2FromABloodPressureAlone_PreliminaryWithTheMissingParametersAbsent()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).BloodPressure(88, 60).Received());

        var bundle = await fixture.ExportAsync();

        var score = Observation(bundle, Codes.News2.Code);
        Assert.Equal(("preliminary", 3), ((string?)score["status"], (int)score["valueInteger"]!));
        var components = score["component"]!.AsArray().Skip(1).ToDictionary(c => (string)c!["code"]!["coding"]![0]!["code"]!, c => c!);
        Assert.Equal(3, (int)components["systolic"]["valueInteger"]!);
        Assert.Equal(0, (int)components["air-or-oxygen"]["valueInteger"]!);
        foreach (var missing in new[] { "respiratory-rate", "spo2", "pulse", "temperature" })
        {
            Assert.Equal("""{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"not-performed","display":"Not Performed"}]}""",
                Text(components[missing]["dataAbsentReason"]));
            Assert.Null(components[missing]["valueInteger"]);
        }

        Assert.Equal("85354-9", (string?)Resource(bundle, (string)Assert.Single(score["derivedFrom"]!.AsArray())!["reference"]!)["code"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task Export_News2FromAReadingBeforeTheRange_ThatReadingReferencedByItsIdentifier()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(
            new TelemetryMessage(Device, "early").HeartRate(80, T0.AddMinutes(-5)).Received(sourcePosition: "0:1"),
            new TelemetryMessage(Device, "late").BloodPressure(120, 80, T0).Received(sourcePosition: "0:2"));
        var heartRate = Assert.Single(fixture.Timeline.All, r => r.Code == "heartRate");

        var bundle = await fixture.ExportAsync(T0, T0.AddHours(1));

        var score = Resources(bundle, "Observation").Single(o => (string?)o["code"]!["coding"]![0]!["code"] == Codes.News2.Code && (string?)o["effectiveDateTime"] == "2026-11-21T08:30:00Z");
        Assert.Contains($$$"""{"type":"Observation","identifier":{"system":"{{{FhirIds.TimelineEntrySystem}}}","value":"{{{heartRate.Id}}}"}}""",
            score["derivedFrom"]!.AsArray().Select(Text));
    }

    [Fact]
    public async Task Export_AlertRaisedAndCleared_OneInactiveFlagSpanningTheEpisode()
    {
        var fixture = new FhirExportFixture();
        var raised = Raised(T0);
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), TimelineRecords.From(Cleared(raised, T0.AddMinutes(12)))]);

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        Assert.Equal("inactive", (string?)flag["status"]);
        Assert.Equal("""{"start":"2026-11-21T08:29:45Z","end":"2026-11-21T08:42:00Z"}""", Text(flag["period"]));
        Assert.Equal("""{"coding":[{"system":"urn:iomt-cloud:alert-rule","code":"spo2-low","display":"SpO2 low"}],"text":"SpO2 low"}""", Text(flag["code"]));
        Assert.Equal("PH", (string?)flag["extension"]![0]!["valueCodeableConcept"]!["coding"]![0]!["code"]);
        Assert.Equal(FhirResources.FlagPriorityExtension, (string?)flag["extension"]![0]!["url"]);
        Assert.Equal("clinical", (string?)flag["category"]![0]!["coding"]![0]!["code"]);
        Assert.Equal(raised.AlertId, (string?)flag["identifier"]![0]!["value"]);
    }

    [Fact]
    public async Task Export_AlertStillOpenAtTheEnd_ActiveFlagWithoutEnd()
    {
        var fixture = new FhirExportFixture();
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(Raised(T0))]);

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        Assert.Equal(("active", null), ((string?)flag["status"], flag["period"]!["end"]));
    }

    [Fact]
    public async Task Export_AlertRaisedBeforeTheRangeClearedInIt_InactiveFlagWithTheWholeEpisode()
    {
        var fixture = new FhirExportFixture();
        var raised = Raised(T0.AddHours(-3));
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), TimelineRecords.From(Cleared(raised, T0))]);

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        Assert.Equal("inactive", (string?)flag["status"]);
        Assert.Equal("""{"start":"2026-11-21T05:29:45Z","end":"2026-11-21T08:30:00Z"}""", Text(flag["period"]));
        Assert.Equal("PH", (string?)flag["extension"]![0]!["valueCodeableConcept"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task Export_AlertOpenAcrossTheWholeRange_ActiveFlag()
    {
        var fixture = new FhirExportFixture();
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(Raised(T0.AddDays(-3)))]);

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        Assert.Equal(("active", null), ((string?)flag["status"], flag["period"]!["end"]));
    }

    [Fact]
    public async Task Export_AlertEndedBeforeTheRange_NoFlag()
    {
        var fixture = new FhirExportFixture();
        var raised = Raised(T0.AddHours(-5));
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), TimelineRecords.From(Cleared(raised, T0.AddHours(-2)))]);

        Assert.Empty(Resources(await fixture.ExportAsync(), "Flag"));
    }

    [Fact]
    public async Task Export_AlertRaisedBeyondTheLookback_FlagFromItsClearAlone()
    {
        var fixture = new FhirExportFixture();
        var raised = Raised(T0 - FhirExport.EpisodeLookback - TimeSpan.FromDays(1));
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), TimelineRecords.From(Cleared(raised, T0))]);

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        Assert.Equal("""{"end":"2026-11-21T08:30:00Z"}""", Text(flag["period"]));
        Assert.Equal("spo2-low", (string?)flag["code"]!["text"]);
    }

    [Fact]
    public async Task Export_News2UrgentThenEmergency_FlagAtTheEmergencyGrade()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(News2Vitals(0, emergency: false), News2Vitals(1, emergency: true));

        var flag = Assert.Single(Resources(await fixture.ExportAsync(), "Flag"));

        AssertEmergencyGrade(flag);
        Assert.Equal(("active", "2026-11-21T08:30:00Z"), ((string?)flag["status"], (string?)flag["period"]!["start"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Export_News2EmergencyThenBackToUrgent_FlagKeepsTheHighestGrade(bool raisedAsUrgent)
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(
            [.. (raisedAsUrgent ? [News2Vitals(0, emergency: false)] : Array.Empty<ReceivedMessage>()), News2Vitals(1, emergency: true), News2Vitals(2, emergency: false)]);

        AssertEmergencyGrade(Assert.Single(Resources(await fixture.ExportAsync(), "Flag")));
    }

    [Fact]
    public async Task Export_RegradedBeforeTheRange_FlagAtTheEmergencyGrade()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(News2Vitals(0, emergency: false), News2Vitals(1, emergency: true), News2Vitals(2, emergency: false));

        AssertEmergencyGrade(Assert.Single(Resources(await fixture.ExportAsync(T0.AddMinutes(5), T0.AddHours(1)), "Flag")));
    }

    private static void AssertEmergencyGrade(JsonObject flag)
    {
        var emergency = DefaultAlertRules.All.Single(r => r.Id == "news2-emergency");
        Assert.Equal(("news2-emergency", emergency.Title), ((string?)flag["code"]!["coding"]![0]!["code"], (string?)flag["code"]!["text"]));
        Assert.Equal("PH", (string?)flag["extension"]![0]!["valueCodeableConcept"]!["coding"]![0]!["code"]);
    }

    /// <summary>Vitals of NEWS2 5 (urgent) or 8 (emergency) at <paramref name="minute"/> past <c>T0</c>.</summary>
    private static ReceivedMessage News2Vitals(int minute, bool emergency)
    {
        var at = T0.AddMinutes(minute);
        return new TelemetryMessage(Device, $"vitals-{minute}").RespiratoryRate(22, at).Spo2(emergency ? 93 : 95, at).BloodPressure(105, 70, at)
            .HeartRate(emergency ? 115 : 95, at).Temperature(emergency ? 38.5 : 37, at).Received(receivedAt: at, sourcePosition: $"0:{minute}");
    }

    [Fact]
    public async Task Export_RegisteredDevice_TypeManufacturerModelAndSerial()
    {
        var fixture = new FhirExportFixture();
        await fixture.RegisterDeviceAsync();
        await fixture.IngestAsync(new TelemetryMessage(Device).HeartRate(80).Spo2(95).Received());

        var bundle = await fixture.ExportAsync();

        var device = Assert.Single(Resources(bundle, "Device"));
        Assert.Equal("""{"coding":[{"system":"urn:iso:std:iso:11073:10101","code":"528388","display":"MDC_DEV_SPEC_PROFILE_PULS_OXIM"}],"text":"Pulse oximeter"}""", Text(device["type"]));
        Assert.Equal(("Acme Medical", "SN-0042"), ((string?)device["manufacturer"], (string?)device["serialNumber"]));
        Assert.Equal("""[{"name":"Acme Medical OxiCheck 2","type":"user-friendly-name"},{"name":"OxiCheck 2","type":"model-name"}]""", Text(device["deviceName"]));
        Assert.All(Resources(bundle, "Observation").Where(o => (string?)o["code"]!["coding"]![0]!["code"] != Codes.News2.Code),
            o => Assert.Equal(FhirIds.FullUrl((string)device["id"]!), (string?)o["device"]!["reference"]));
    }

    [Theory]
    [InlineData("bloodPressure", "528391")]
    [InlineData("bodyTemperature", "528392")]
    [InlineData("weight", "528399")]
    [InlineData("ecgRhythm", "528390")]
    [InlineData("doseEvent", "528456")]
    [InlineData("peakFlow", "528405")]
    [InlineData("fev1", "528405")]
    [InlineData("fvc", "528405")]
    public void Device_KindsItSends_IsoIeee11073SpecializationCode(string kind, string code)
    {
        var device = FhirResources.Device(Device, new DeviceRecord
        {
            Id = Device,
            Manufacturer = "Acme",
            Model = "M",
            Kinds = [kind],
            Credentials = DeviceCredentials.NewKeys(),
            CreatedAt = T0,
            UpdatedAt = T0,
        }, sentCgm: false);

        Assert.Equal(code, device.Type!.Coding![0].Code);
    }

    [Fact]
    public void Device_GlucoseSensorThatSentCgmReadings_ContinuousGlucoseMonitor()
    {
        var record = new DeviceRecord { Id = Device, Manufacturer = "Acme", Model = "G", Kinds = ["glucose"], Credentials = DeviceCredentials.NewKeys(), CreatedAt = T0, UpdatedAt = T0 };

        Assert.Equal(("528409", "528401"), (FhirResources.Device(Device, record, sentCgm: true).Type!.Coding![0].Code, FhirResources.Device(Device, record, sentCgm: false).Type!.Coding![0].Code));
    }

    [Fact]
    public async Task Export_DeviceNotInTheRegistry_IdentifierOnly()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).HeartRate(80).Received());

        var device = Assert.Single(Resources(await fixture.ExportAsync(), "Device"));

        Assert.Equal(["resourceType", "id", "identifier"], device.Select(p => p.Key));
    }

    [Fact]
    public async Task Export_AlertNotificationsAndAcknowledgement_CommunicationsAboutTheFlag()
    {
        var fixture = new FhirExportFixture();
        var raised = Raised(T0);
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), .. Escalation(raised, T0)]);

        var bundle = await fixture.ExportAsync();

        var flag = Assert.Single(Resources(bundle, "Flag"));
        var communications = Resources(bundle, "Communication").ToList();
        Assert.Equal(3, communications.Count);
        Assert.All(communications, c => Assert.Equal($$"""[{"reference":"urn:uuid:{{flag["id"]}}"}]""", Text(c["about"])));
        Assert.All(communications, c => AssertReferences(bundle, c["subject"], "Patient", FhirIds.PatientIdSystem, Patient));
        var delivered = communications[0];
        Assert.Equal(("completed", "2026-11-21T08:30:01Z", "alert"),
            ((string?)delivered["status"], (string?)delivered["sent"], (string?)delivered["category"]![0]!["coding"]![0]!["code"]));
        Assert.Equal("""[{"type":"PractitionerRole","identifier":{"system":"urn:iomt-cloud:recipient","value":"role:nurse"}}]""", Text(delivered["recipient"]));
        Assert.Equal("console", (string?)delivered["medium"]![0]!["coding"]![0]!["code"]);
        var failed = communications[1];
        Assert.Equal(("not-done", "Failed: timeout", "user:dr-1"),
            ((string?)failed["status"], (string?)failed["statusReason"]!["text"], (string?)failed["recipient"]![0]!["identifier"]!["value"]));
        var acknowledged = communications[2];
        Assert.Equal(("completed", "2026-11-21T08:32:00Z", "Acknowledged"),
            ((string?)acknowledged["status"], (string?)acknowledged["sent"], (string?)acknowledged["payload"]![0]!["contentString"]));
        Assert.Equal("""{"type":"Practitioner","identifier":{"system":"urn:iomt-cloud:recipient","value":"user:nurse-1"}}""", Text(acknowledged["sender"]));
    }

    /// <summary>An alert's escalation on the timeline: delivered to the nurses' console, failed by SMS, acknowledged by nurse-1.</summary>
    internal static TimelineRecord[] Escalation(AlertRaised raised, DateTimeOffset at) =>
    [
        WorkflowEffects.DeliveryRecord(Patient, new DeliveryOutcome($"{raised.AlertId}:0001", raised.AlertId, NotificationKind.AlertTriggered, "console", ["role:nurse"],
            DeliveryStatus.Delivered, 1, at.AddSeconds(1))),
        WorkflowEffects.DeliveryRecord(Patient, new DeliveryOutcome($"{raised.AlertId}:0001", raised.AlertId, NotificationKind.AlertTriggered, "sms", ["user:dr-1"],
            DeliveryStatus.Failed, 3, at.AddSeconds(40), "timeout")),
        WorkflowEffects.StepRecord(Patient, $"{raised.AlertId}:0002", TimelineEntryType.Acknowledgement, new AlertStep(raised.AlertId, "acknowledged", "nurse-1", at.AddMinutes(2))),
    ];

    internal static AlertRaised Raised(DateTimeOffset at)
    {
        var dedupKey = AlertIds.DedupKey(Patient, "spo2-low");
        return new AlertRaised(AlertIds.For(dedupKey, at.AddSeconds(-15)), dedupKey, Patient, "spo2-low", "SpO2 low", AlertPriority.High,
            AlertCategory.VitalSign, AlertDirection.Low, at, at.AddSeconds(-15), 87, null, "%", "rd_1");
    }

    internal static AlertCleared Cleared(AlertRaised raised, DateTimeOffset at) =>
        new(raised.AlertId, raised.DedupKey, Patient, raised.RuleId, at, 95, null, "%", "rd_2");

    private static JsonObject Resource(JsonObject bundle, string fullUrl) =>
        bundle["entry"]!.AsArray().Single(e => (string?)e!["fullUrl"] == fullUrl)!["resource"]!.AsObject();

    private static JsonObject Administration(JsonObject bundle, string medicationId) =>
        Resources(bundle, "MedicationAdministration").Single(a => (string?)a["medicationCodeableConcept"]!["text"] == medicationId);

    private static async Task<JsonObject> AllKindsAsync()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new ReceivedMessage(TestFixtures.Read("telemetry", "all-kinds.json"), Device, T0.AddSeconds(10), "0:1"));
        return await fixture.ExportAsync();
    }

    private static void AssertReferences(JsonObject bundle, JsonNode? reference, string type, string system, string id)
    {
        var target = bundle["entry"]!.AsArray().Single(e => (string?)e!["fullUrl"] == (string?)reference!["reference"])!["resource"]!;
        Assert.Equal(type, (string?)target["resourceType"]);
        Assert.Equal($$"""[{"system":"{{system}}","value":"{{id}}"}]""", Text(target["identifier"]));
        Assert.Equal($$"""{"system":"{{system}}","value":"{{id}}"}""", Text(reference!["identifier"]));
    }
}
