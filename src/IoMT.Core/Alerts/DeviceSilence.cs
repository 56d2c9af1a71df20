using System.Globalization;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Timeline;

namespace IoMT.Core.Alerts;

/// <summary>
/// The <c>device-silent</c> technical alert, as a pure check run every minute or so: an enabled device bound to a
/// patient, with a reporting interval, that has not been heard for <see cref="MissedReports"/> intervals (since its
/// last message, or since it was bound if it never sent) raises an alert; one episode per silence, whose id is fixed
/// by when the silence began, so repeated checks raise it once. The device being heard again ends it, and so does its
/// retirement (disabled, deleted or unbound from the patient, as a simulation's devices are when it stops): a device
/// out of service pages nobody.
/// </summary>
public static class DeviceSilence
{
    public const string RulePrefix = "device-silent.";

    /// <summary>One missed report is noise (a retry, a short radio gap); two are a silence.</summary>
    public const int MissedReports = 2;

    public static string RuleId(string deviceId) => RulePrefix + deviceId;

    /// <summary>
    /// The alert events the devices call for at <paramref name="now"/>, given the silence alerts still open: a raise for a
    /// silent device without one, a clear for each open one whose device has been heard since it was raised or is no
    /// longer watched for that patient (pass the devices of open silence alerts whatever their status).
    /// </summary>
    public static IReadOnlyList<WorkflowEvent> Check(IEnumerable<DeviceRecord> devices, IEnumerable<AlertView> open, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(open);
        var openByRule = open.Where(a => a.RuleId.StartsWith(RulePrefix, StringComparison.Ordinal)).ToLookup(a => a.RuleId, StringComparer.Ordinal);
        var events = new List<WorkflowEvent>();
        foreach (var device in devices)
        {
            var rule = RuleId(device.Id);
            foreach (var alert in openByRule[rule])
            {
                var dedup = AlertIds.DedupKey(alert.PatientId, rule);
                if (device.LastSeenAt > alert.RaisedAt)
                {
                    events.Add(new AlertCleared(alert.AlertId, dedup, alert.PatientId, rule, device.LastSeenAt!.Value, null, null, "",
                        $"device:{device.Id}:seen:{device.LastSeenAt.Value.UtcTicks.ToString(CultureInfo.InvariantCulture)}"));
                }
                else if (!IsWatched(device) || device.CurrentPatientId != alert.PatientId)
                {
                    events.Add(new AlertCleared(alert.AlertId, dedup, alert.PatientId, rule, now, null, null, "",
                        $"device:{device.Id}:retired:{device.Version.ToString(CultureInfo.InvariantCulture)}", ClearReason.DeviceRetired));
                }
            }

            if (SilentSince(device, now) is { } since && !openByRule[rule].Any(a => a.PatientId == device.CurrentPatientId))
            {
                var patientId = device.CurrentPatientId!;
                var dedup = AlertIds.DedupKey(patientId, rule);
                var silent = now - (device.LastSeenAt ?? since);
                events.Add(new AlertRaised(AlertIds.For(dedup, since), dedup, patientId, rule,
                    $"Device {device.Id} silent for {Describe(silent)} (reports every {Describe(device.ReportingInterval!.Value)})",
                    AlertPriority.Medium, AlertCategory.Technical, AlertDirection.None, now, since, Math.Floor(silent.TotalSeconds), null, "s", $"device:{device.Id}", now));
            }
        }

        return events;
    }

    /// <summary>When the device's silence began (its last report or binding, plus the allowed reports), or null when it is not silent.</summary>
    public static DateTimeOffset? SilentSince(DeviceRecord device, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!IsWatched(device) || device.Bindings.LastOrDefault(b => b.To is null) is not { } binding)
        {
            return null;
        }

        var interval = device.ReportingInterval!.Value;

        var heard = device.LastSeenAt is { } seen && seen > binding.From ? seen : binding.From;
        var since = heard + (interval * MissedReports);
        return now >= since ? since : null;
    }

    /// <summary>In service and reporting at an interval: its silence is watched while it is bound to a patient.</summary>
    private static bool IsWatched(DeviceRecord device) => device is { ReportingInterval: not null, Status: DeviceStatus.Enabled, IsDeleted: false };

    /// <summary>Whole minutes from two minutes on (or when exact), seconds below.</summary>
    private static string Describe(TimeSpan span) => span >= TimeSpan.FromMinutes(2) || (span.TotalMinutes >= 1 && span.Seconds == 0)
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalMinutes):0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds):0} s");
}

/// <summary>
/// Runs <see cref="DeviceSilence.Check"/> over every watched device and the open alerts and records each raise and clear on
/// the patient's timeline (like the alerts ingestion raises); hosts call it on a timer and publish what it returns.
/// </summary>
public sealed class DeviceSilenceWatch(IDeviceRegistry registry, IAlertWorkflows alerts, ITimelineStore timelines, TimeProvider time)
{
    /// <summary>Open alerts read per check; silence alerts are a few of them.</summary>
    private const int OpenAlertsRead = 10_000;

    public async Task<IReadOnlyList<WorkflowEvent>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var open = await alerts.ListAsync(new AlertFilter(AlertFilter.Open), OpenAlertsRead, cancellationToken).ConfigureAwait(false);
        var watched = new List<DeviceRecord>();
        var filter = new DeviceFilter(Status: DeviceStatus.Enabled, PageSize: DeviceFilter.MaxPageSize);
        do
        {
            var page = await registry.ListAsync(filter, cancellationToken).ConfigureAwait(false);
            watched.AddRange(page.Items.Where(d => d.ReportingInterval is not null || open.Any(a => a.RuleId == DeviceSilence.RuleId(d.Id))));
            filter = filter with { ContinuationToken = page.ContinuationToken };
        }
        while (filter.ContinuationToken is not null);

        // Devices retired while silent: their open alerts end.
        var retired = open.Where(a => a.RuleId.StartsWith(DeviceSilence.RulePrefix, StringComparison.Ordinal))
            .Select(a => a.RuleId[DeviceSilence.RulePrefix.Length..]).Except(watched.Select(d => d.Id), StringComparer.Ordinal).ToList();
        if (retired.Count > 0)
        {
            watched.AddRange(await registry.FindManyAsync(retired, cancellationToken).ConfigureAwait(false));
        }

        var events = DeviceSilence.Check(watched, open, time.GetUtcNow());
        foreach (var record in events.Select(Record))
        {
            // Before publishing: a check that fails after this finds the same episode again, and its record has the same id.
            await timelines.AppendAsync(record.Id, [record], cancellationToken).ConfigureAwait(false);
        }

        return events;
    }

    private static TimelineRecord Record(WorkflowEvent alertEvent) => alertEvent switch
    {
        AlertRaised raised => TimelineRecords.From(raised),
        AlertCleared cleared => TimelineRecords.From(cleared),
        _ => throw new ArgumentException($"Unexpected {alertEvent.GetType().Name}.", nameof(alertEvent)),
    };
}
