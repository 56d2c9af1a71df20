using System.Runtime.InteropServices;
using IoMT.Core.Devices;
using IoMT.Core.Mapping;

namespace IoMT.Core.Pipeline;

/// <summary>
/// An <see cref="IIngestionContext"/> held in memory: for the CLI, tests, benchmarks and as the working set hosts
/// fill from their stores. Not thread-safe: one batch at a time.
/// </summary>
public sealed class InMemoryIngestionContext : IIngestionContext
{
    private readonly bool _checksDevices;
    private readonly bool _resolvesPatients;
    private readonly Dictionary<string, DeviceEntry> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PatientProfile> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PatientState> _states = new(StringComparer.Ordinal);

    // Message ids seen for the first time, and (per device) all of them, sized for the messages the context will see.
    private readonly int _messages;
    private readonly List<(string, string, string)> _newlySeen;

    // The pipeline asks several questions about one device, and about one patient, in a row: answer them from one lookup.
    private DeviceEntry? _last;
    private (PatientProfile Profile, PatientState State)? _lastPatient;

    /// <summary>A context with a device registry and bindings (both may start empty).</summary>
    public InMemoryIngestionContext()
        : this(messages: 0)
    {
    }

    /// <summary>
    /// A context with a device registry and bindings, for about <paramref name="messages"/> messages: those whose ids it
    /// loads with <see cref="AddSeen"/> and those it checks (a host knows both: its batch). Its message-id tables are
    /// sized for them once instead of growing by copies (each device's for an even share); more still fit.
    /// </summary>
    public InMemoryIngestionContext(int messages)
        : this(checksDevices: true, resolvesPatients: true, messages)
    {
    }

    private InMemoryIngestionContext(bool checksDevices, bool resolvesPatients, int messages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messages);
        _checksDevices = checksDevices;
        _resolvesPatients = resolvesPatients;
        _messages = messages;
        _newlySeen = new List<(string, string, string)>(messages);
    }

    /// <summary>Validation only: no device checks, no patients, only duplicate detection.</summary>
    public static InMemoryIngestionContext ValidationOnly() => new(checksDevices: false, resolvesPatients: false, messages: 0);

    public bool ChecksDevices => _checksDevices;

    public bool ResolvesPatients => _resolvesPatients;

    public IReadOnlyDictionary<string, PatientState> States => _states;

    public InMemoryIngestionContext AddDevice(string deviceId, DeviceStatus status = DeviceStatus.Enabled)
    {
        RequireRegistry();
        Device(deviceId).Status = status;
        return this;
    }

    public InMemoryIngestionContext AddBinding(DeviceBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        RequireRegistry();
        Device(binding.DeviceId).Bindings.Add(binding);
        return this;
    }

    /// <summary>Maps the device's messages with <paramref name="mapping"/> (its model's or its organization's active mapping).</summary>
    public InMemoryIngestionContext AddMapping(string deviceId, DeviceMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        Device(deviceId).Mapping = mapping;
        return this;
    }

    /// <summary>Remembers that a device sent <paramref name="messageId"/> at <paramref name="sourcePosition"/> (loaded from a host's store).</summary>
    public InMemoryIngestionContext AddSeen(string deviceId, string messageId, string sourcePosition)
    {
        Seen(deviceId)[messageId] = sourcePosition;
        return this;
    }

    /// <summary>A patient's state as a host stored it after an earlier batch.</summary>
    public InMemoryIngestionContext AddState(PatientState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states[state.PatientId] = state;
        _lastPatient = null;
        return this;
    }

    /// <summary>Message ids seen for the first time by this context (not loaded with <see cref="AddSeen"/>): what a host saves.</summary>
    public IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> NewlySeen => _newlySeen;

    public InMemoryIngestionContext SetProfile(PatientProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profiles[profile.PatientId] = profile;
        _lastPatient = null;
        return this;
    }

    public DeviceStatus? FindDevice(string deviceId) => Find(deviceId)?.Status;

    public DeviceMapping? FindMapping(string deviceId) => Find(deviceId)?.Mapping;

    public string? FindPatient(string deviceId, DateTimeOffset at) =>
        Find(deviceId) is { } device ? BindingHistory.PatientAt(device.Bindings, at) : null;

    public (PatientProfile Profile, PatientState State) GetPatient(string patientId)
    {
        if (_lastPatient is not null && string.Equals(_lastPatient.Value.State.PatientId, patientId, StringComparison.Ordinal))
        {
            return _lastPatient.Value;
        }

        if (!_profiles.TryGetValue(patientId, out var profile))
        {
            _profiles[patientId] = profile = new PatientProfile { PatientId = patientId };
        }

        if (!_states.TryGetValue(patientId, out var state))
        {
            _states[patientId] = state = new PatientState(patientId);
        }

        _lastPatient = (profile, state);
        return (profile, state);
    }

    public bool IsDuplicate(string deviceId, string messageId, string sourcePosition)
    {
        ref var firstPosition = ref CollectionsMarshal.GetValueRefOrAddDefault(Seen(deviceId), messageId, out var seenBefore);
        if (seenBefore)
        {
            return !string.Equals(firstPosition, sourcePosition, StringComparison.Ordinal);
        }

        firstPosition = sourcePosition;
        _newlySeen.Add((deviceId, messageId, sourcePosition));
        return false;
    }

    private DeviceEntry? Find(string deviceId)
    {
        if (_last is not null && string.Equals(_last.Id, deviceId, StringComparison.Ordinal))
        {
            return _last;
        }

        return _devices.TryGetValue(deviceId, out var device) ? _last = device : null;
    }

    /// <summary>The device's entry, created when absent (an unregistered device still has message ids to remember).</summary>
    private DeviceEntry Device(string deviceId)
    {
        if (Find(deviceId) is { } device)
        {
            return device;
        }

        _devices[deviceId] = device = new DeviceEntry(deviceId);
        return _last = device;
    }

    /// <summary>
    /// The device's message ids, in a table made on first use for an even share of the messages among the devices known
    /// by then (a host adds its batch's devices first), so that it seldom grows by copies.
    /// </summary>
    private Dictionary<string, string> Seen(string deviceId)
    {
        var device = Device(deviceId);
        return device.Seen ??= new Dictionary<string, string>(_messages / _devices.Count, StringComparer.Ordinal);
    }

    private void RequireRegistry()
    {
        if (!_checksDevices)
        {
            throw new InvalidOperationException("This context is validation-only: it has no device registry or bindings.");
        }
    }

    /// <summary>Everything known about one device: registration, binding history and the message ids it sent.</summary>
    private sealed class DeviceEntry(string id)
    {
        public string Id { get; } = id;

        /// <summary>Null while the device is not registered.</summary>
        public DeviceStatus? Status { get; set; }

        public List<DeviceBinding> Bindings { get; } = [];

        public DeviceMapping? Mapping { get; set; }

        public Dictionary<string, string>? Seen { get; set; }
    }
}
