using IoMT.Core.Alerts;
using IoMT.Core.Devices;

namespace IoMT.Testing;

/// <summary>Alerts and devices as the workflow tests need them.</summary>
public static class WorkflowFixtures
{
    /// <summary>An SpO2-low style alert episode starting at <paramref name="at"/>.</summary>
    public static AlertRaised Raised(DateTimeOffset at, string patientId = "patient-1", AlertDirection direction = AlertDirection.Low,
        AlertPriority priority = AlertPriority.High, string ruleId = "spo2-low")
    {
        var dedup = AlertIds.DedupKey(patientId, ruleId);
        return new AlertRaised(AlertIds.For(dedup, at), dedup, patientId, ruleId, "SpO2 low", priority, AlertCategory.VitalSign, direction,
            at, at, 88, "59408-5", "%", "rd_" + at.ToUnixTimeMilliseconds());
    }

    /// <summary>A monitor reporting every <paramref name="interval"/>, bound to <paramref name="patientId"/> since <paramref name="boundAt"/>.</summary>
    public static DeviceRecord WatchedMonitor(DateTimeOffset boundAt, TimeSpan interval, string? patientId = "patient-1", string id = "monitor-1") => new()
    {
        Id = id,
        Manufacturer = "Acme",
        Model = "M",
        Kinds = ["spo2"],
        Credentials = DeviceCredentials.NewKeys(),
        CreatedAt = boundAt,
        UpdatedAt = boundAt,
        ReportingInterval = interval,
        Bindings = patientId is null ? [] : [new DeviceBinding(id, patientId, boundAt, null)],
    };
}
