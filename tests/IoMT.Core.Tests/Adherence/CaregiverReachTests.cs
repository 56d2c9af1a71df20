using IoMT.Core.Adherence;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Telemetry;
using IoMT.Core.Workflows;

namespace IoMT.Core.Tests.Adherence;

/// <summary>The <c>caregiver</c> channel reaches the caregivers the patient's profile names, as the fact the shell looked up says.</summary>
public class CaregiverReachTests
{
    private static readonly DateTimeOffset Dose8 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    private static readonly MedicationSchedule Morning = new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(8, 0)],
        TimeZone = "Europe/Paris",
        EffectiveFrom = Dose8.AddHours(-2),
    };

    private static readonly FollowUpChannels Channels = FollowUpChannels.Default with { Patient = ["device"], Caregiver = ["console", CaregiverReach.Channel] };

    private static readonly PatientRecord Patient = new("patient-1", ["ward-7"])
    {
        Contacts =
        [
            new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Webhook = "http://grace.example.org/hook" },
            new PatientContact("Alan Turing", "neighbour") { Caregiver = true, Sms = "+447700900123", Webhook = "https://alan.example.org/hook" },
            new PatientContact("Dr Who", "general practitioner") { Email = "gp@example.org", Webhook = "https://gp.example.org/hook" },
        ],
    };

    [Fact]
    public void Addresses_CaregiversOnly_WebhooksOnlyAsHttpsUrls()
    {
        Assert.Equal(["grace@example.org"], Caregivers.Addresses(Patient, Caregivers.Email));
        Assert.Equal(["+447700900123"], Caregivers.Addresses(Patient, Caregivers.Sms));
        Assert.Equal(["https://alan.example.org/hook"], Caregivers.Addresses(Patient, Caregivers.Webhook));
        Assert.Empty(Caregivers.Addresses(null, Caregivers.Email));
    }

    [Fact]
    public void Of_OnlyTheWaysTheHostCanUse()
    {
        Assert.Equal(["email", "webhook"], CaregiverReach.Of(Patient, [Caregivers.Email, Caregivers.Webhook]).Ways);
        var emailOnlyCaregiver = Patient with { Contacts = [Patient.Contacts[0] with { Webhook = null }] };
        Assert.False(CaregiverReach.Of(emailOnlyCaregiver, [Caregivers.Sms, Caregivers.Webhook]).Reachable);
        Assert.False(CaregiverReach.Of(null, [Caregivers.Email, Caregivers.Sms, Caregivers.Webhook]).Reachable);
    }

    [Fact]
    public void CaregiverReachable_ToldThroughTheCaregiverChannelWhenTheDoseIsMissed_CoordinatorOnItsTime()
    {
        var reach = CaregiverReach.Of(Patient, [Caregivers.Webhook]);
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), Channels, reach).State;

        var windowClosed = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(1)), Channels, reach);
        var graceOver = AdherenceDecider.Decide(windowClosed.State, new AdherenceTick(Dose8.AddHours(2)), Channels, reach);
        var coordinatorTime = AdherenceDecider.Decide(graceOver.State, new AdherenceTick(Dose8.AddHours(3)), Channels, reach);

        Assert.Equal([FollowUpTarget.Patient], windowClosed.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        Assert.Equal([FollowUpTarget.Caregiver], graceOver.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        Assert.Empty(graceOver.Commands.OfType<FollowUpUndeliverable>());
        Assert.Equal([FollowUpTarget.CareCoordinator], coordinatorTime.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        var notification = Assert.Single(WorkflowEffects.For(graceOver.State, graceOver.Commands, Channels, reach).OfType<NotifyEffect>()).Notification;
        Assert.Equal(["caregiver:patient-1"], notification.Recipients);
        Assert.Equal([CaregiverReach.Channel], notification.Channels);
    }

    [Fact]
    public void NoCaregiverReachable_UndeliverableWithTheReason_CoordinatorAtOnce()
    {
        var gpOnly = CaregiverReach.Of(Patient with { Contacts = [Patient.Contacts[2]] }, [Caregivers.Email, Caregivers.Sms, Caregivers.Webhook]);
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), Channels, gpOnly).State;

        var graceOver = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(2)), Channels, gpOnly);

        var undeliverable = graceOver.Commands.OfType<FollowUpUndeliverable>().Single(u => u.Target == FollowUpTarget.Caregiver);
        Assert.Equal(
            "No channel reaches the caregiver: console reaches the care team only; caregiver: the patient's profile names no caregiver with an e-mail address, SMS number or https webhook this host can use.",
            undeliverable.Reason);
        Assert.Equal([FollowUpTarget.CareCoordinator], graceOver.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        var records = WorkflowEffects.For(graceOver.State, graceOver.Commands, Channels, gpOnly).OfType<TimelineEffect>()
            .Where(e => e.Record.Type == IoMT.Core.Timeline.TimelineEntryType.Notification)
            .Select(e => WorkflowJson.Deserialize<DeliveryOutcome>(e.Record.Data))
            .Where(r => r.Recipients.Contains("caregiver:patient-1"))
            .ToList();
        Assert.Equal(["console", CaregiverReach.Channel], records.Select(r => r.Channel));
        Assert.All(records, r => Assert.Equal((DeliveryStatus.Undeliverable, undeliverable.Reason), (r.Status, r.Error)));
    }

    [Fact]
    public void NotLookedUp_TheCaregiverChannelReachesNobody()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), Channels).State;

        var graceOver = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(2)), Channels);

        Assert.Contains("could not be looked up", graceOver.Commands.OfType<FollowUpUndeliverable>().Single(u => u.Target == FollowUpTarget.Caregiver).Reason,
            StringComparison.Ordinal);
        Assert.Equal([FollowUpTarget.CareCoordinator], graceOver.Commands.OfType<SendFollowUp>().Select(f => f.Target));
    }

    [Fact]
    public void DoseTakenLate_TheCaregiverWhoWasToldHearsIt_OneWhoCannotBeReachedNow_DoesNot()
    {
        var reach = CaregiverReach.Of(Patient, [Caregivers.Email]);
        var missed = AdherenceDecider.Decide(AdherenceDecider.Start(Morning, Dose8.AddHours(-2), Channels, reach).State,
            new AdherenceTick(Dose8.AddHours(2)), Channels, reach).State;
        var dose = new DoseInput(new("patient-1", Dose8.AddHours(2.5), "metformin", DoseEventType.Taken, null, "r1"));

        var late = AdherenceDecider.Decide(missed, dose, Channels, reach);
        var lateUnreachable = AdherenceDecider.Decide(missed, dose, Channels, CaregiverReach.Nobody);

        Assert.Equal([(FollowUpTarget.Caregiver, FollowUpKind.DoseTakenLate)], late.Commands.OfType<SendFollowUp>().Select(f => (f.Target, f.Kind)));
        Assert.Empty(lateUnreachable.Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void AsksCaregiver_OnlyWhenTheCaregiverIsToldOrConfigured()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), Channels, CaregiverReach.Assumed).State;
        var reminder = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(1)), Channels, CaregiverReach.Assumed);
        var graceOver = AdherenceDecider.Decide(reminder.State, new AdherenceTick(Dose8.AddHours(2)), Channels, CaregiverReach.Assumed);
        var takenLate = AdherenceDecider.Decide(graceOver.State, new DoseInput(new("patient-1", Dose8.AddHours(2.5), "metformin", DoseEventType.Taken, null, "r1")),
            Channels, CaregiverReach.Assumed);

        Assert.False(AdherenceDecider.AsksCaregiver(reminder, Channels));
        Assert.True(AdherenceDecider.AsksCaregiver(graceOver, Channels));
        Assert.True(AdherenceDecider.AsksCaregiver(takenLate, Channels));
        Assert.False(AdherenceDecider.AsksCaregiver(graceOver, FollowUpChannels.Default with { Caregiver = ["webhook:family"] }));
    }
}
