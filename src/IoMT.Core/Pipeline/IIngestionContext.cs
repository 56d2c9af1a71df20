using IoMT.Core.Devices;
using IoMT.Core.Mapping;

namespace IoMT.Core.Pipeline;

/// <summary>
/// What the pipeline looks up while it processes a batch. Hosts load a batch's context before processing (so the
/// pipeline itself does no I/O) and persist what changed afterwards: patient states and recorded message ids.
/// </summary>
public interface IIngestionContext
{
    /// <summary>False in validation-only mode (e.g. <c>iomt validate</c> without a context file): no device checks.</summary>
    bool ChecksDevices { get; }

    /// <summary>False in validation-only mode: readings are validated but not bound to patients or monitored.</summary>
    bool ResolvesPatients { get; }

    DeviceStatus? FindDevice(string deviceId);

    string? FindPatient(string deviceId, DateTimeOffset at);

    /// <summary>The mapping that turns this device's own message format into contract v1, or null when it sends contract v1.</summary>
    DeviceMapping? FindMapping(string deviceId);

    /// <summary>The patient's profile (settings and rules) and working state; the pipeline updates the state in place.</summary>
    (PatientProfile Profile, PatientState State) GetPatient(string patientId);

    /// <summary>
    /// Records that a message was received at <paramref name="sourcePosition"/>. True when the same device and message id
    /// were already recorded at another position (the device sent it twice); false for a first delivery or a redelivery
    /// of the same position, which must be processed again (idempotently) because its first processing may not have finished.
    /// </summary>
    bool IsDuplicate(string deviceId, string messageId, string sourcePosition);
}
