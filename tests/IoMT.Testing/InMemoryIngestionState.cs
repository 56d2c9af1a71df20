using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;

namespace IoMT.Testing;

/// <summary>Patient states and message sightings in memory, stored as JSON like the real stores do.</summary>
public sealed class InMemoryIngestionStateStore : IIngestionStateStore
{
    private readonly Dictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), string> _seen = [];

    public Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PatientState>>([.. patientIds.Distinct().Where(_states.ContainsKey).Select(id => PatientStateJson.Deserialize(_states[id]))]);

    public Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
        IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<(string, string, string)>>([.. keys.Distinct().Where(_seen.ContainsKey).Select(k => (k.DeviceId, k.MessageId, _seen[k]))]);

    public Task SaveAsync(
        IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        foreach (var state in states)
        {
            _states[state.PatientId] = PatientStateJson.Serialize(state);
        }

        foreach (var (device, message, position) in seen)
        {
            _seen.TryAdd((device, message), position);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Keeps every event published, in order.</summary>
public sealed class RecordingWorkflowEventSink : IWorkflowEventSink
{
    public List<WorkflowEvent> Events { get; } = [];

    public Task PublishAsync(IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken = default)
    {
        Events.AddRange(events);
        return Task.CompletedTask;
    }
}
