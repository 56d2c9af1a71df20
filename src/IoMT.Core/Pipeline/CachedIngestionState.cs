namespace IoMT.Core.Pipeline;

/// <summary>
/// Keeps patient states in memory between batches, for a host whose ingestion is the only writer of its state store
/// (the local host's single processor; not Azure, where several instances share the store). A loaded state is taken
/// out of memory, because the pipeline changes it in place, and goes back only once it is saved: a batch that fails
/// after changing a state leaves nothing behind, and its retry loads the saved state again.
/// </summary>
public sealed class CachedIngestionState(IIngestionStateStore store, int maxPatients = 100_000) : IIngestionStateStore
{
    private readonly Dictionary<string, PatientState> _saved = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var states = new List<PatientState>();
        var missing = new List<string>();
        lock (_lock)
        {
            foreach (var id in patientIds.Distinct(StringComparer.Ordinal))
            {
                if (_saved.Remove(id, out var state))
                {
                    states.Add(state);
                }
                else
                {
                    missing.Add(id);
                }
            }
        }

        if (missing.Count > 0)
        {
            states.AddRange(await store.LoadStatesAsync(missing, cancellationToken).ConfigureAwait(false));
        }

        return states;
    }

    public Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
        IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default) =>
        store.LoadSeenAsync(keys, cancellationToken);

    public async Task SaveAsync(
        IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        await store.SaveAsync(states, seen, now, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var state in states)
            {
                if (_saved.Count < maxPatients || _saved.ContainsKey(state.PatientId))
                {
                    _saved[state.PatientId] = state;
                }
            }
        }
    }
}
