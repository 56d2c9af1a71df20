namespace IoMT.Core.Devices;

public enum DeviceStatus
{
    Enabled,
    Disabled,
}

/// <summary>
/// A device assigned to a patient from <see cref="From"/> (inclusive) until <see cref="To"/> (exclusive; null while
/// current). Bindings are history: a reading goes to the patient bound at the reading's time, even after reassignment.
/// </summary>
public sealed record DeviceBinding(string DeviceId, string PatientId, DateTimeOffset From, DateTimeOffset? To)
{
    public bool Covers(DateTimeOffset at) => at >= From && (To is null || at < To.Value);
}

/// <summary>Finds the patient a device was bound to at a time.</summary>
public static class BindingHistory
{
    /// <summary>The patient of the binding covering <paramref name="at"/>; the latest-starting one if periods overlap.</summary>
    public static string? PatientAt(IReadOnlyList<DeviceBinding> bindings, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        DeviceBinding? best = null;
        for (var i = 0; i < bindings.Count; i++)
        {
            var binding = bindings[i];
            if (binding.Covers(at) && (best is null || binding.From > best.From))
            {
                best = binding;
            }
        }

        return best?.PatientId;
    }
}
