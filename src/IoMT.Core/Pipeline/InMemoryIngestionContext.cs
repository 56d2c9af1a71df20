using IoMT.Core.Devices;

namespace IoMT.Core.Pipeline;

/// <summary>
/// An <see cref="IIngestionContext"/> held in memory: for the CLI, tests, benchmarks and as the working set hosts
/// fill from their stores. Not thread-safe: one batch at a time.
/// </summary>
public sealed class InMemoryIngestionContext : IIngestionContext
{
    private readonly Dictionary<string, DeviceStatus>? _devices;
    private readonly Dictionary<string, List<DeviceBinding>>? _bindings;
    private readonly Dictionary<string, PatientProfile> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PatientState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string DeviceId, string MessageId), string> _seen = [];

    /// <summary>A context with a device registry and bindings (both may start empty).</summary>
    public InMemoryIngestionContext()
        : this(checksDevices: true, resolvesPatients: true)
    {
    }

    private InMemoryIngestionContext(bool checksDevices, bool resolvesPatients)
    {
        _devices = checksDevices ? new(StringComparer.Ordinal) : null;
        _bindings = resolvesPatients ? new(StringComparer.Ordinal) : null;
    }

    /// <summary>Validation only: no device checks, no patients, only duplicate detection.</summary>
    public static InMemoryIngestionContext ValidationOnly() => new(checksDevices: false, resolvesPatients: false);

    public bool ChecksDevices => _devices is not null;

    public bool ResolvesPatients => _bindings is not null;

    public IReadOnlyDictionary<string, PatientState> States => _states;

    public InMemoryIngestionContext AddDevice(string deviceId, DeviceStatus status = DeviceStatus.Enabled)
    {
        RequireRegistry(_devices)[deviceId] = status;
        return this;
    }

    public InMemoryIngestionContext AddBinding(DeviceBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var bindings = RequireRegistry(_bindings);
        if (!bindings.TryGetValue(binding.DeviceId, out var list))
        {
            bindings[binding.DeviceId] = list = [];
        }

        list.Add(binding);
        return this;
    }

    public InMemoryIngestionContext SetProfile(PatientProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profiles[profile.PatientId] = profile;
        return this;
    }

    public DeviceStatus? FindDevice(string deviceId) =>
        _devices is not null && _devices.TryGetValue(deviceId, out var status) ? status : null;

    public string? FindPatient(string deviceId, DateTimeOffset at) =>
        _bindings is not null && _bindings.TryGetValue(deviceId, out var list) ? BindingHistory.PatientAt(list, at) : null;

    public PatientProfile GetProfile(string patientId)
    {
        if (!_profiles.TryGetValue(patientId, out var profile))
        {
            _profiles[patientId] = profile = new PatientProfile { PatientId = patientId };
        }

        return profile;
    }

    public PatientState GetState(string patientId)
    {
        if (!_states.TryGetValue(patientId, out var state))
        {
            _states[patientId] = state = new PatientState(patientId);
        }

        return state;
    }

    public bool IsDuplicate(string deviceId, string messageId, string sourcePosition)
    {
        if (_seen.TryGetValue((deviceId, messageId), out var firstPosition))
        {
            return !string.Equals(firstPosition, sourcePosition, StringComparison.Ordinal);
        }

        _seen[(deviceId, messageId)] = sourcePosition;
        return false;
    }

    private static T RequireRegistry<T>(T? registry)
        where T : class =>
        registry ?? throw new InvalidOperationException("This context is validation-only: it has no device registry or bindings.");
}
