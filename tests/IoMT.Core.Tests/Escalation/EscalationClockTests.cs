using IoMT.Core.Escalation;
using static IoMT.Core.Tests.Escalation.EscalationFixture;

namespace IoMT.Core.Tests.Escalation;

/// <summary>Escalation timers count on the product's clock from when it raised the alert; the reading's time stays the onset.</summary>
public class EscalationClockTests
{
    [Fact]
    public void Start_ReadingTenMinutesOld_LevelTwoTwoMinutesAfterTheProductRaisedIt()
    {
        var alert = Alert(at: T0.AddMinutes(-10)) with { RaisedAt = T0 };

        var started = Start(alert: alert);

        Assert.Equal(T0.AddMinutes(2), Single<ScheduleTimer>(started).Timer.Due);
        Assert.Equal(T0, Single<RecordStep>(started).At);
    }

    [Fact]
    public void Start_DeviceClockFourMinutesFast_LevelTwoTwoMinutesAfterLevelOne()
    {
        var alert = Alert(at: T0.AddMinutes(4)) with { RaisedAt = T0 };

        var started = Start(alert: alert);
        var second = FireTimer(started.State);

        Assert.Equal(T0.AddMinutes(2), Single<ScheduleTimer>(started).Timer.Due);
        Assert.Equal(T0.AddMinutes(2) + TimeSpan.FromMinutes(5), Single<ScheduleTimer>(second).Timer.Due);
    }

    [Fact]
    public void Start_RaisedAfterASnoozeEndedByTheDevicesClock_NotSnoozed()
    {
        // The device's clock says the reading came before the snooze ended; the product raised the alert after it.
        var alert = Alert(at: T0.AddMinutes(-3)) with { RaisedAt = T0 };
        var snooze = new SnoozeScope(alert.PatientId, alert.Category, null, T0.AddMinutes(-1), "nurse-7");

        var started = Start(alert: alert, snoozes: snooze);

        Assert.Equal(AlertStatus.Triggered, started.State.Status);
    }

    [Fact]
    public void View_ShowsWhenTheProductRaisedItAndTheClinicalOnset()
    {
        var alert = Alert(at: T0.AddMinutes(-10)) with { EpisodeStart = T0.AddMinutes(-11), RaisedAt = T0 };

        var view = AlertView.From(Start(alert: alert).State);

        Assert.Equal((T0, T0.AddMinutes(-11)), (view.RaisedAt, view.OnsetAt));
    }

    [Fact]
    public void View_AlertRecordedBeforeRaisedAtExisted_RaisedAtIsTheReadingsTime()
    {
        var view = AlertView.From(Start().State);

        Assert.Equal((T0, T0), (view.RaisedAt, view.OnsetAt));
    }

    [Fact]
    public void View_NamesWhoWasNotifiedSoFar()
    {
        var started = Start();
        var second = FireTimer(started.State);

        Assert.Equal(started.State.Notified.Select(t => t.ToString()), AlertView.From(started.State).Notified);
        Assert.NotEmpty(AlertView.From(started.State).Notified);
        Assert.True(AlertView.From(second.State).Notified.Count > AlertView.From(started.State).Notified.Count);
    }

    [Fact]
    public void View_CodedAlert_CarriesTheCodeThatRaisedIt()
    {
        var alert = Alert() with { Value = null, Code = "AF", Unit = "" };

        Assert.Equal("AF", AlertView.From(Start(alert: alert).State).Code);
        Assert.Null(AlertView.From(Start().State).Code);
    }
}
