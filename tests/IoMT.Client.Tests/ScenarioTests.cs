using System.Text;
using IoMT.Client.Simulation;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Client.Tests;

/// <summary>Each scenario produces the clinical signal it promises, as the real ingestion pipeline sees it.</summary>
public class ScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cycle = TimeSpan.FromMinutes(2);
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData(Scenarios.CopdDesaturation, "spo2-low")]
    [InlineData(Scenarios.AfibEpisode, "ecg-atrial-fibrillation")]
    [InlineData(Scenarios.Hypoglycemia, "glucose-urgent-low")]
    [InlineData(Scenarios.Sepsis, "news2-emergency")]
    public void Scenario_OneCycle_RaisesItsAlertWithinTheCycle(string scenario, string rule)
    {
        var result = Simulate(scenario, Cycle);

        // A graded rule (glucose urgent low, NEWS2 emergency) is reached by its family's one alert: raised at that
        // grade, or raised at a milder one and regraded.
        var reached = result.Events.Where(e => e is AlertRaised { RuleId: var raised } && raised == rule || e is AlertRegraded { RuleId: var regraded } && regraded == rule).ToList();
        Assert.NotEmpty(reached);
        Assert.True(reached[0].At - Start < TimeSpan.FromSeconds(70), $"{rule} was reached after {reached[0].At - Start}.");
        Assert.Empty(result.Quarantine);
    }

    [Fact]
    public void Normal_SeveralCycles_NoAlertAndNothingQuarantined()
    {
        var result = Simulate(Scenarios.Normal, Cycle * 3);

        Assert.Equal([], result.Events.OfType<AlertRaised>().Select(e => $"{e.RuleId} at {e.At - Start}"));
        Assert.Empty(result.Quarantine);
        Assert.Equal((72 * 3) + (12 * 2) + (6 * 2), result.Readings.Count);
    }

    [Fact]
    public void MissedDoses_EveryScheduledDoseReleasedThenMissed()
    {
        var doses = Simulate(Scenarios.MissedDoses, Cycle).Events.OfType<DoseReported>().ToList();

        Assert.Equal(4, doses.Count(d => d.Event == Core.Telemetry.DoseEventType.Dispensed));
        Assert.Equal(4, doses.Count(d => d.Event == Core.Telemetry.DoseEventType.Missed));
    }

    [Fact]
    public void RescueInhalerOveruse_TwoPuffsEveryTenSeconds()
    {
        var puffs = Simulate(Scenarios.RescueInhalerOveruse, Cycle).Events.OfType<InhalerActuated>().Sum(e => e.Puffs);

        Assert.Equal(24, puffs);
    }

    [Fact]
    public void FridgeExcursion_WarmsAbove8DegreesAndBack()
    {
        var temperatures = Simulate(Scenarios.FridgeExcursion, Cycle + TimeSpan.FromSeconds(1)).Readings
            .Where(r => r.Reading.Kind == Core.Telemetry.ReadingKind.StorageTemperature)
            .Select(r => ((Core.Telemetry.QuantityReading)r.Reading).Value).ToList();

        Assert.True(temperatures.Max() >= 11.5);
        Assert.InRange(temperatures[0], 4, 6);
        Assert.InRange(temperatures[^1], 4, 6);
    }

    [Fact]
    public void DeviceSilent_MonitorStopsAQuarterIntoTheCycle()
    {
        var last = Simulate(Scenarios.DeviceSilent, Cycle).Readings.Max(r => r.At);

        Assert.InRange(last - Start, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void VirtualPatient_SameSeedAndTime_SameVitals()
    {
        var a = new VirtualPatient("p", Scenarios.Sepsis, 7, Cycle);
        var b = new VirtualPatient("p", Scenarios.Sepsis, 7, Cycle);
        var other = new VirtualPatient("p", Scenarios.Sepsis, 8, Cycle);

        Assert.Equal(a.At(TimeSpan.FromSeconds(42)), b.At(TimeSpan.FromSeconds(42)));
        Assert.NotEqual(a.At(TimeSpan.FromSeconds(42)), other.At(TimeSpan.FromSeconds(42)));
    }

    [Fact]
    public void CopdExacerbation_OneCycle_DailySpirometryThroughYellowIntoRedAndBack()
    {
        var result = Simulate(Scenarios.CopdExacerbation, Cycle);

        var days = Days(result);
        Assert.Equal(HomePrograms.DaysPerCycle, days.Count);
        Assert.All(days, d => Assert.Equal(["fev1", "fvc", "heartRate", "peakFlow", "spo2"], d.Select(r => r.Reading.Kind.ContractName()).Order(StringComparer.Ordinal)));
        var zones = days.Select(d => Math.Min(Value(d, "fev1") / HomePrograms.BestFev1, Value(d, "peakFlow") / HomePrograms.BestPeakFlow) * 100)
            .Select(percent => percent >= 80 ? "green" : percent >= 50 ? "yellow" : "red");
        Assert.Equal(["green", "green", "green", "green", "yellow", "yellow", "red", "red", "yellow", "yellow"], zones);
        Assert.All(days, d => Assert.True(Value(d, "fev1") / Value(d, "fvc") < 0.7, "FEV1/FVC stays obstructive."));

        // SpO2 dips below the ward's 90 % limit on the worst days but stays above the patient's own 86 %.
        var spo2 = days.Select(d => Value(d, "spo2")).ToList();
        Assert.InRange(spo2.Min(), 87, 89);
        Assert.InRange(spo2.Max(), 90, 92);
        Assert.Empty(result.Quarantine);
    }

    [Fact]
    public void HeartFailureWeightGain_OneCycle_TheWeekInTheScalesMemoryThenPastTheWeekLimitThenTheDayLimitThenBack()
    {
        var result = Simulate(Scenarios.HeartFailureWeightGain, Cycle);

        var remembered = result.Readings.Where(r => r.At < Start).ToList();
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(d => Start.AddDays(-d)), remembered.Select(r => r.At));
        Assert.All(remembered, r => Assert.InRange(Value([r], "weight") - HomePrograms.DryWeight, -0.25, 0.25));
        var weights = Days(result).Where(d => d[0].At >= Start).Select(d => Value(d, "weight")).ToList();
        Assert.Equal(HomePrograms.DaysPerCycle, weights.Count);
        double DayGain(int day) => weights[day] - weights[day - 1];
        double WeekGain(int day) => weights[day] - weights.Take(day).TakeLast(7).Min();
        Assert.All(Enumerable.Range(1, 4), day => Assert.True(DayGain(day) <= HomePrograms.DayKg && WeekGain(day) <= HomePrograms.WeekKg, $"day {day}"));
        Assert.True(WeekGain(5) > HomePrograms.WeekKg && DayGain(5) <= HomePrograms.DayKg, $"day 5: {WeekGain(5):0.0} kg in a week, {DayGain(5):0.0} kg in a day");
        Assert.True(DayGain(6) > HomePrograms.DayKg, $"day 6: {DayGain(6):0.0} kg in a day");
        Assert.InRange(weights[^1] - HomePrograms.DryWeight, 0.5, 1.5);
        Assert.InRange(weights[0] - HomePrograms.DryWeight, -0.25, 0.25);
        Assert.Empty(result.Quarantine);
    }

    [Fact]
    public void CopdExacerbation_ItsSettings_YellowZoneOnDay4RedOnDay6ClearedWhenWellAgain()
    {
        var day = HomePrograms.Day(Cycle);

        var events = Simulate(Scenarios.CopdExacerbation, Cycle + day).Events;

        Assert.Equal(
            [$"raised copd-yellow-zone on day 4", $"regraded copd-red-zone on day 6", $"regraded copd-yellow-zone on day 8", $"cleared copd-yellow-zone on day 10"],
            events.Select(e => e switch
            {
                AlertRaised r => $"raised {r.RuleId} on day {(r.At - Start) / day}",
                AlertRegraded g => $"regraded {g.RuleId} on day {(g.At - Start) / day}",
                AlertCleared c => $"cleared {c.RuleId} on day {(c.At - Start) / day}",
                _ => null,
            }).OfType<string>());
        var raised = events.OfType<AlertRaised>().Single();
        Assert.Equal("%", raised.Unit);
        Assert.InRange(raised.Value!.Value, 50, 80);
    }

    [Fact]
    public void CopdExacerbation_SpotChecksBelowTheWardsSpo2Limit_OnlyWithoutThePatientsOwnLimit()
    {
        var withTheirs = Simulate(Scenarios.CopdExacerbation, Cycle).Events.OfType<AlertRaised>().Select(a => a.RuleId);
        var withTheWards = Simulate(Scenarios.CopdExacerbation, Cycle, withSettings: false).Events.OfType<AlertRaised>().Select(a => a.RuleId);

        Assert.DoesNotContain("spo2-low", withTheirs);
        Assert.Contains("spo2-low", withTheWards);
    }

    [Fact]
    public void HeartFailureWeightGain_RealDays_RaisedOverTheWeekOnDay5ClearedOnDay9()
    {
        var cycle = TimeSpan.FromDays(HomePrograms.DaysPerCycle);

        var events = Simulate(Scenarios.HeartFailureWeightGain, cycle, cycle).Events;

        var raised = Assert.Single(events.OfType<AlertRaised>());
        Assert.Equal(("weight-gain", Start.AddDays(5), "kg"), (raised.RuleId, raised.At, raised.Unit));
        Assert.StartsWith("Weight up 2.7 kg in a week", raised.Title, StringComparison.Ordinal);
        Assert.Equal(Start.AddDays(9), Assert.Single(events.OfType<AlertCleared>()).At);
    }

    [Fact]
    public void HeartFailureWeightGain_CompressedDays_RaisedOverTheScalesRememberedDay()
    {
        var day = HomePrograms.Day(Cycle);

        var events = Simulate(Scenarios.HeartFailureWeightGain, Cycle + day).Events;

        // Live weights minutes apart are never compared with each other: each is compared with the real days uploaded
        // from the scale's memory, so the gain on day 5 (2.5 kg over yesterday's 78.6 kg) passes the 1.5 kg day limit.
        var raised = Assert.Single(events.OfType<AlertRaised>());
        Assert.Equal(("weight-gain", 5L), (raised.RuleId, (raised.At - Start) / day));
        Assert.StartsWith("Weight up 2.5 kg in a day", raised.Title, StringComparison.Ordinal);
        Assert.Equal(10L, (Assert.Single(events.OfType<AlertCleared>()).At - Start) / day);
    }

    [Fact]
    public void Plan_EveryPatient_SyntheticProfileWithFictionalContacts()
    {
        var plan = SimulationPlan.Create(new SimulationOptions(Scenarios.All.Count + 2, Scenarios.All, Cycle));

        var profiles = plan.Patients.Select(p => p.Profile).ToList();
        Assert.All(profiles, p =>
        {
            Assert.Matches(@"^[A-Z][a-z]+ Simulated( \d+)?$", p.DisplayName);
            Assert.Equal([SimulationOptions.CareTeam], p.CareTeams);
            Assert.InRange(p.BirthDate!.Value.Year, 1930, 1990);
            Assert.Equal((SimulatedProfiles.MrnSystem, "MR"), (Assert.Single(p.Identifiers).System, p.Identifiers[0].Type));
            var caregiver = Assert.Single(p.Contacts);
            Assert.True(caregiver.Caregiver);
            Assert.EndsWith("@example.org", caregiver.Email, StringComparison.Ordinal);
            Assert.Matches(@"^\+120255501\d\d$", caregiver.Sms);
        });
        Assert.Equal(profiles.Count, profiles.Select(p => p.DisplayName).Distinct().Count());
        Assert.Equal(profiles.Count, profiles.Select(p => p.Identifiers[0].Value).Distinct().Count());
        var home = plan.Patients.Where(p => p.Profile.Location!.Home).Select(p => p.Scenario).ToList();
        Assert.Equal([Scenarios.CopdExacerbation, Scenarios.HeartFailureWeightGain], home);
        var beds = profiles.Where(p => !p.Location!.Home).Select(p => (p.Location!.Ward, p.Location.Room, p.Location.Bed)).ToList();
        Assert.Equal(beds.Count, beds.Distinct().Count());
    }

    [Fact]
    public void Plan_HomePrograms_TheirPhysiciansSettings()
    {
        var plan = SimulationPlan.Create(new SimulationOptions(2, [Scenarios.CopdExacerbation, Scenarios.HeartFailureWeightGain], Cycle));

        var (copd, heartFailure) = (plan.Patients[0].Settings!, plan.Patients[1].Settings!);
        Assert.Equal(2, copd.Spo2Scale);
        Assert.Equal((HomePrograms.BestFev1, HomePrograms.BestPeakFlow), (copd.Baselines.BestFev1, copd.Baselines.BestPeakFlow));
        Assert.Equal(86, copd.Limits["spo2-low"].RaiseAt);
        Assert.Equal((HomePrograms.DayKg, HomePrograms.WeekKg), (heartFailure.WeightGain!.DayKg, heartFailure.WeightGain.WeekKg));
        Assert.Equal(HomePrograms.DryWeight, heartFailure.Baselines.DryWeight);
        Assert.Equal(
            """{"spo2Scale":2,"limits":{"spo2-low":{"raiseAt":86,"clearAt":88}},"baselines":{"bestPeakFlow":320,"bestFev1":1.6},"reason":"r"}""",
            PatientBodies.Settings(copd, "r").ToJsonString());
        Assert.Equal(
            """{"spo2Scale":1,"limits":{},"baselines":{"dryWeight":78.5},"weightGain":{"enabled":true,"dayKg":1.5,"weekKg":2.5},"reason":"r"}""",
            PatientBodies.Settings(heartFailure, "r").ToJsonString());
        Assert.Null(SimulationPlan.Create(new SimulationOptions(1, [Scenarios.Sepsis], Cycle)).Patients[0].Settings);
    }

    [Fact]
    public void PatientBodies_Profile_TheApiContractsFields()
    {
        var profile = SimulatedProfiles.For(0, "p-1", Scenarios.Normal);

        Assert.Equal(
            """{"careTeams":["sim-ward"],"displayName":"Ada Simulated","birthDate":"1938-01-01","identifiers":[{"system":"https://example.org/fhir/sid/simulated-mrn","value":"SIM-000001","type":"MR"}],"location":{"ward":"Simulation","room":"1","bed":"A"},"contacts":[{"name":"Maren Simulated","relation":"daughter","caregiver":true,"email":"caregiver-001@example.org","sms":"+12025550100"}]}""",
            PatientBodies.Profile(profile).ToJsonString(Readable));
        Assert.Equal("""{"home":true}""", PatientBodies.Profile(SimulatedProfiles.For(0, "p-1", Scenarios.CopdExacerbation))["location"]!.ToJsonString());
    }

    /// <summary>The readings of each simulated day (home devices measure once at the start of their day), in order.</summary>
    private static List<List<ReadingEntry>> Days(IngestionResult result) =>
        [.. result.Readings.GroupBy(r => r.At).OrderBy(g => g.Key).Select(g => g.ToList())];

    private static double Value(List<ReadingEntry> readings, string kind) =>
        ((Core.Telemetry.QuantityReading)readings.Single(r => r.Reading.Kind.ContractName() == kind).Reading).Value;

    /// <summary>
    /// Every device of one patient with this scenario, second by second, through the pipeline; with the clinical settings
    /// the simulation gives the patient unless <paramref name="withSettings"/> is false.
    /// </summary>
    private static IngestionResult Simulate(string scenario, TimeSpan length, TimeSpan? cycle = null, bool withSettings = true)
    {
        var plan = SimulationPlan.Create(new SimulationOptions(1, [scenario], cycle ?? Cycle));
        var context = new InMemoryIngestionContext();
        foreach (var device in plan.Devices)
        {
            context.AddDevice(device.DeviceId).AddBinding(new DeviceBinding(device.DeviceId, device.Patient.PatientId, Start.AddDays(-30), null));
        }

        if (withSettings && plan.Patients[0].Settings is { } settings)
        {
            context.SetProfile(new ClinicalProfiles(new InMemoryClinicalSettingsStore()).ProfileOf(plan.Patients[0].PatientId, settings));
        }

        var messages = new List<ReceivedMessage>();
        for (var second = 0; second < length.TotalSeconds; second++)
        {
            foreach (var device in plan.Devices.Where(d => second % (int)d.Interval.TotalSeconds == 0))
            {
                var now = Start.AddSeconds(second);
                var readings = device.ReadingsAt(TimeSpan.FromSeconds(second), now);
                if (readings.Count > 0)
                {
                    var body = SimulationPlan.Message(device.DeviceId, $"{device.DeviceId}-{second}", now, readings);
                    messages.Add(new ReceivedMessage(Encoding.UTF8.GetBytes(body), device.DeviceId, now.AddMilliseconds(200), $"0:{messages.Count}"));
                }
            }
        }

        return new IngestionPipeline().Process(messages, context);
    }
}
