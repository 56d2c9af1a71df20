using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Notifications;
using IoMT.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IoMT.Functions.Durable.Tests;

/// <summary>
/// The Functions app's orchestrators and real activities on the real Durable Task runtime: the in-process test host
/// (an in-memory orchestration service behind a gRPC sidecar, and a gRPC worker) on a free loopback port, the
/// activities over in-memory stores and a recording notifier, escalation policies of seconds. Timers run on the real
/// clock. One per test class; tests use their own patients, so their alerts and instances never meet.
/// </summary>
public sealed class DurableRuntime : IAsyncLifetime
{
    /// <summary>
    /// Level 1 (nurse) at once, level 2 (care coordinator) 3 s later, level 3 (physician) 3 s after that; an
    /// acknowledgement times out after 5 s. Configured policies wait at least 30 s (validated on start); these options
    /// are handed to <see cref="DurableWorkflows"/> directly, unvalidated, so that tests run in seconds.
    /// </summary>
    public static EscalationPolicy Seconds { get; } = new()
    {
        Id = "seconds",
        Levels =
        [
            Level(TimeSpan.FromSeconds(3), Role.Nurse),
            Level(TimeSpan.FromSeconds(3), Role.CareCoordinator),
            Level(TimeSpan.FromSeconds(3), Role.Physician),
        ],
        AckTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// For low-priority alerts: levels 20 s apart, for tests that must act between two levels on the real clock (a
    /// loaded machine may take seconds per step; 3 s would race them).
    /// </summary>
    public static EscalationPolicy Unhurried { get; } = Seconds with
    {
        Id = "unhurried",
        Priorities = [AlertPriority.Low],
        Levels = [Level(TimeSpan.FromSeconds(20), Role.Nurse), Level(TimeSpan.FromSeconds(20), Role.CareCoordinator)],
    };

    /// <summary>How long a test waits for something the runtime does (generous: the machine may be loaded).</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(30);

    private const int StartAttempts = 5;
    private readonly ConcurrentDictionary<string, DateTime> _lastActivityEnded = new(StringComparer.Ordinal);
    private DurableTaskTestHost? _host;
    private IHost? _restartedWorker;

    public DurableRuntime()
    {
        Workflows = new DurableWorkflows(Escalations, new FixedOptions<WorkflowOptions>(new WorkflowOptions
        {
            Policies = [Seconds, Unhurried],
            PatientFollowUpChannels = ["device"],
            CaregiverFollowUpChannels = ["webhook:family"],
        }));
        Activities = new WorkflowActivities(Escalations, new WorkflowEffectRunner(Timeline, new ClockedNotifier(this)), Workflows,
            new CaregiverLookup(Profiles, new FixedOptions<NotificationOptions>(new NotificationOptions())), TimeProvider.System);
    }

    /// <summary>The patients' profiles, whose caregivers the <c>caregiver</c> channel reaches.</summary>
    public InMemoryPatientDirectory Profiles { get; } = new();

    public InMemoryWorkflowStore Escalations { get; } = new();

    public InMemoryTimelineStore Timeline { get; } = new();

    public RecordingNotifier Notifier { get; } = new();

    /// <summary>Every notification with the wall-clock time it was handed to the notifier.</summary>
    public ConcurrentQueue<(DateTimeOffset SentAt, Notification Notification)> Deliveries { get; } = new();

    /// <summary>Every activity run: instance, activity and input (an activity run twice shows up twice).</summary>
    public ConcurrentQueue<(string InstanceId, string Activity, string Input)> ActivityRuns { get; } = new();

    public DurableWorkflows Workflows { get; }

    public WorkflowActivities Activities { get; }

    /// <summary>The sidecar's port (loopback).</summary>
    public int Port { get; private set; }

    public DurableTaskClient Client => (_host ?? throw new InvalidOperationException("Not started.")).Client;

    /// <summary>The alert API's view, raising people's actions as events through the host's client (as the app's alert functions do).</summary>
    public DurableAlertWorkflows Alerts() => new(Escalations, new DurableClientAccessor { Client = Client });

    public async Task InitializeAsync()
    {
        // A free port, found by binding port 0 and releasing it; another process may take it meanwhile, so retry.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                _host = await DurableTaskTestHost.StartAsync(Register, new DurableTaskTestHostOptions { Port = Port });
                return;
            }
            catch (IOException) when (attempt < StartAttempts)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopRestartedWorkerAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>
    /// Stops the worker (the test host's own hosted worker, or the one <see cref="StartWorkerAsync"/> started): its
    /// work-item stream closes, in-flight work is cancelled. The sidecar and its in-memory orchestration service, with
    /// every instance's history, queued messages and timers, keep running. Stop it only while no work item is in flight
    /// (<see cref="WaitForIdleAsync"/>): the sidecar waits for the answer to a work item it handed out with no time-out,
    /// so an instance whose work item dies with the worker stays locked for good on this host.
    /// </summary>
    public async Task StopWorkerAsync()
    {
        if (_restartedWorker is not null)
        {
            await StopRestartedWorkerAsync();
            return;
        }

        var worker = _host!.Services.GetServices<IHostedService>().OfType<DurableTaskWorker>().Single();
        await worker.StopAsync(CancellationToken.None);
    }

    /// <summary>A new worker process, as it were: a new host, a new gRPC worker with no memory, the same registrations, connected to the same sidecar.</summary>
    public async Task StartWorkerAsync()
    {
        _restartedWorker = new HostBuilder()
            .ConfigureServices(services => services.AddDurableTaskWorker(builder =>
            {
                builder.UseGrpc($"http://localhost:{Port}");
                builder.AddTasks(Register);
            }))
            .Build();
        await _restartedWorker.StartAsync();
    }

    public IReadOnlyList<Notification> SentTo(string patientId) => [.. Notifier.Sent.Where(n => n.PatientId == patientId)];

    public IReadOnlyList<TimelineRecord> TimelineOf(string patientId) => [.. Timeline.All.Where(r => r.PatientId == patientId)];

    /// <summary>The alert steps recorded on the patient's timeline (acknowledged, level-notified, resolved…), in order.</summary>
    public IReadOnlyList<AlertStep> StepsOf(string patientId, string alertId) =>
        [.. TimelineOf(patientId)
            .Where(r => r.Code == alertId && r.Type is TimelineEntryType.Escalation or TimelineEntryType.Acknowledgement or TimelineEntryType.Resolution or TimelineEntryType.Snooze)
            .Select(r => WorkflowJson.Deserialize<AlertStep>(r.Data))];

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds (no fixed sleeps: the machine may be slow).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T> probe, Func<T, bool> done, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = JsonSerializer.Serialize(value);
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what}; last seen: {(seen.Length > 2000 ? seen[..2000] + "…" : seen)}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<OrchestrationMetadata> WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.RuntimeStatus == status)
            {
                return instance;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {instanceId} to be {status}; it is {instance?.RuntimeStatus.ToString() ?? "absent"}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the instance has taken the result of its last activity: its state was committed after that activity
    /// ended. Call it once the last effect of a decision is seen; the instance then waits for an event or its timer, and
    /// no work item of it is in flight.
    /// </summary>
    public async Task WaitForIdleAsync(string instanceId)
    {
        var ended = _lastActivityEnded.GetValueOrDefault(instanceId, DateTime.MinValue);
        var deadline = DateTime.UtcNow + Patience;
        while ((await Client.GetInstanceAsync(instanceId))?.LastUpdatedAt.UtcDateTime <= ended)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {instanceId} to take its last activity's result.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The input of the instance's current generation (its state, calls and events carried over when it continued as new).</summary>
    public static T InputOf<T>(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return DurablePayloads.Read<T>(instance.ReadInputAs<string>());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static EscalationLevel Level(TimeSpan escalateAfter, Role role) =>
        new(escalateAfter, [new EscalationTarget(TargetKind.Role, role.Name())], [DefaultEscalationPolicies.ConsoleChannel]);

    /// <summary>The app's registrations: the orchestrator functions and the four activities, over this runtime's stores.</summary>
    private void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestratorFunc<string>(EscalationOrchestrator.Name, (context, _) => EscalationOrchestrator.RunAsync(context));
        registry.AddOrchestratorFunc<string>(AdherenceOrchestrator.Name, (context, _) => AdherenceOrchestrator.RunAsync(context));
        registry.AddActivityFunc<string, string>(WorkflowActivities.ActiveSnoozes,
            (context, patientId) => RunAsync(context, WorkflowActivities.ActiveSnoozes, patientId, () => Activities.ActiveSnoozesAsync(patientId, CancellationToken.None)));
        registry.AddActivityFunc<string, string>(WorkflowActivities.CaregiverReach,
            (context, patientId) => RunAsync(context, WorkflowActivities.CaregiverReach, patientId, () => Activities.CaregiverReachAsync(patientId, CancellationToken.None)));
        registry.AddActivityFunc<string>(WorkflowActivities.SaveEscalation,
            (context, save) => RunAsync(context, WorkflowActivities.SaveEscalation, save, () => Activities.SaveEscalationAsync(save, CancellationToken.None)));
        registry.AddActivityFunc<string>(WorkflowActivities.RunEffect,
            (context, effect) => RunAsync(context, WorkflowActivities.RunEffect, effect, () => Activities.RunEffectAsync(effect, CancellationToken.None)));
        registry.AddActivityFunc<string>(WorkflowActivities.PublishAlertEvent,
            (context, alertEvent) => RunAsync(context, WorkflowActivities.PublishAlertEvent, alertEvent,
                () => Activities.PublishAlertEventAsync(alertEvent, Client, CancellationToken.None)));
    }

    /// <summary>Runs an activity, noting the run and when it ended.</summary>
    private async Task<T> RunAsync<T>(TaskActivityContext context, string activity, string input, Func<Task<T>> run)
    {
        ActivityRuns.Enqueue((context.InstanceId, activity, input));
        try
        {
            return await run();
        }
        finally
        {
            _lastActivityEnded[context.InstanceId] = DateTime.UtcNow;
        }
    }

    private Task<bool> RunAsync(TaskActivityContext context, string activity, string input, Func<Task> run) =>
        RunAsync(context, activity, input, async () =>
        {
            await run();
            return true;
        });

    private async Task StopRestartedWorkerAsync()
    {
        if (_restartedWorker is { } worker)
        {
            _restartedWorker = null;
            await worker.StopAsync();
            worker.Dispose();
        }
    }

    /// <summary>Hands notifications to the recording notifier, noting when each was sent.</summary>
    private sealed class ClockedNotifier(DurableRuntime runtime) : INotifier
    {
        public async Task NotifyAsync(Notification notification, CancellationToken cancellationToken = default)
        {
            await runtime.Notifier.NotifyAsync(notification, cancellationToken);
            runtime.Deliveries.Enqueue((DateTimeOffset.UtcNow, notification));
        }
    }
}
