using IoMT.Core.Workflows;
using IoMT.Local.Workflows;
using IoMT.Notifications;
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
    public WorkflowHarness(
        string path, ManualClock clock, InMemoryTimelineStore timeline, RecordingNotifier notifier, WorkflowOptions? options = null, ICaregiverLookup? caregivers = null)
    {
        Clock = clock;
        Timeline = timeline;
        Notifier = notifier;
        Store = new SqliteWorkflowStore(path);
        Signal = new WorkflowSignal();
        var caregiverLookup = caregivers ?? new CaregiverLookup(new InMemoryPatientDirectory(), new FixedOptions<NotificationOptions>(new NotificationOptions()));
        Engine = new LocalWorkflowEngine(Store, new FixedOptions<WorkflowOptions>(options ?? new WorkflowOptions()), caregiverLookup, Signal, clock);
        Runner = new WorkflowRunner(Engine, Store, new WorkflowEffectRunner(timeline, notifier), Signal, clock, NullLogger<WorkflowRunner>.Instance);
    }

    public ManualClock Clock { get; }

    public InMemoryTimelineStore Timeline { get; }

    public RecordingNotifier Notifier { get; }

    public SqliteWorkflowStore Store { get; }

    public WorkflowSignal Signal { get; }

    public LocalWorkflowEngine Engine { get; }

    public WorkflowRunner Runner { get; }

    public Task<int> RunAsync() => Runner.RunOnceAsync();

    public void Dispose()
    {
        Store.Dispose();
        Signal.Dispose();
        Runner.Dispose();
    }
}
