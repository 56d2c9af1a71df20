using IoMT.Core.Patients;

namespace IoMT.Testing;

/// <summary>Clinical settings in memory, kept as the stores keep them (canonical JSON), for tests of the service and ingestion.</summary>
public sealed class InMemoryClinicalSettingsStore : IClinicalSettingsStore
{
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private readonly List<(string PatientId, ClinicalSettingsChange Change)> _changes = [];
    private readonly Lock _lock = new();

    /// <summary>How many times <see cref="FindManyAsync"/> was called.</summary>
    public int FindManyCalls { get; private set; }

    public Task<IReadOnlyDictionary<string, ClinicalSettings>> FindManyAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            FindManyCalls++;
            IReadOnlyDictionary<string, ClinicalSettings> found = patientIds.Distinct(StringComparer.Ordinal)
                .Where(_settings.ContainsKey)
                .ToDictionary(id => id, id => ClinicalSettingsJson.Deserialize(_settings[id]), StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    public Task SaveAsync(string patientId, ClinicalSettingsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            var previous = _settings.TryGetValue(patientId, out var held) ? ClinicalSettingsJson.Deserialize(held) : ClinicalSettings.Default;
            _settings[patientId] = ClinicalSettingsJson.Serialize(change.Settings);
            _changes.Add((patientId, change with { Previous = previous }));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ClinicalSettingsChange>> HistoryAsync(string patientId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ClinicalSettingsChange>>([.. _changes.Where(c => c.PatientId == patientId).Select(c => c.Change).Reverse().Take(limit)]);
        }
    }
}
