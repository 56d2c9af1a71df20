namespace IoMT.Client;

/// <summary>A device's identity and key, as in an IoT Hub device connection string.</summary>
public sealed record DeviceConnection(string DeviceId, string HostName, string Key)
{
    /// <summary>Reads <c>HostName=…;DeviceId=…;SharedAccessKey=…</c>; null when a part is missing.</summary>
    public static DeviceConnection? Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return parts.TryGetValue("HostName", out var host) && parts.TryGetValue("DeviceId", out var id) && parts.TryGetValue("SharedAccessKey", out var key)
            ? new DeviceConnection(id, host, key)
            : null;
    }
}
