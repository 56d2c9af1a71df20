using IoMT.Core.Alerts;
using IoMT.Core.Workflows;
using IoMT.Local.Workflows;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace IoMT.Local.Tests.Workflows;

/// <summary>
/// The local workflow engine and its runner on a SQLite file, a manual clock, an in-memory timeline and a recording
/// notifier. Disposing it is a stop (or a crash: nothing is flushed beyond what each transaction committed); a new
/// harness on the same file, clock, timeline and notifier is the restart.
/// </summary>
public sealed class WorkflowHarness : IDisposable
{
    public WorkflowHarness(string path, ManualClock clock, InMemoryTimelineStore timeline, RecordingNotifier notifier, WorkflowOptions? options = null)
    {
        Clock = clock;
        Timeline = timeline;
        Notifier = notifier;
        Store = new SqliteWorkflowStore(path);
        Signal = new WorkflowSignal();
        Engine = new LocalWorkflowEngine(Store, new FixedOptions<WorkflowOptions>(options ?? new WorkflowOptions()), Signal, clock);
        Runner = new WorkflowRunner(Engine, Store, new WorkflowEffectRunner(timeline, notifier), Signal, clock, NullLogger<WorkflowRunner>.Instance);
    }

    public ManualClock Clock { get; }

    public InMemoryTimelineStore Timeline { get; }

    public RecordingNotifier Notifier { get; }

    public SqliteWorkflowStore Store { get; }

    public WorkflowSignal Signal { get; }

    public LocalWorkflowEngine Engine { get; }

    public WorkflowRunner Runner { get; }

    public static AlertRaised Raised(DateTimeOffset at, string patientId = "patient-1", AlertDirection direction = AlertDirection.Low,
        AlertPriority priority = AlertPriority.High, string ruleId = "spo2-low")
    {
        var dedup = AlertIds.DedupKey(patientId, ruleId);
        return new AlertRaised(AlertIds.For(dedup, at), dedup, patientId, ruleId, "SpO2 low", priority, AlertCategory.VitalSign, direction,
            at, at, 88, "59408-5", "%", "rd_" + at.ToUnixTimeMilliseconds());
    }

    public Task<int> RunAsync() => Runner.RunOnceAsync();

    public void Dispose()
    {
        Store.Dispose();
        Signal.Dispose();
        Runner.Dispose();
    }
}
