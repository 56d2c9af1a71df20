using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Mapping;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;

namespace IoMT.Core.Pipeline;

/// <summary>What ingestion remembers between batches: patient states and the message ids each device sent.</summary>
public interface IIngestionStateStore
{
    Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default);

    /// <summary>Where each of these (device, message id) pairs was first seen, for those seen before.</summary>
    Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
        IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default);

    Task SaveAsync(
        IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
        CancellationToken cancellationToken = default);
}

/// <summary>Where ingestion hands alert and adherence events to the workflows; idempotent by event id.</summary>
public interface IWorkflowEventSink
{
    Task PublishAsync(IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>What one batch did.</summary>
public sealed record BatchOutcome(int Messages, int Readings, int Quarantined, int Duplicates, int Events)
{
    /// <summary>
    /// The duplicates: messages a device sent again, its message id already seen at another position of the source
    /// (a batch delivered again is not one). Stored once; for the host's security audit.
    /// </summary>
    public IReadOnlyList<(string DeviceId, string MessageId)> Replayed { get; init; } = [];
}

/// <summary>
/// One batch through the host contract of docs/ingestion.md, the same for every host: load the context (devices, their
/// bindings and active mappings, patient states and clinical settings, message ids seen), run the pipeline, write the timeline, signal the workflows, save
/// the states and sightings, mark the devices seen. The host checkpoints its source afterwards; a failure before that
/// makes the source deliver the batch again, and every step is idempotent. Batches may be processed at once (a host's
/// partitions in parallel): one that shares a patient or a device with a batch already running waits until it is done.
/// </summary>
public sealed class BatchIngestion(
    IDeviceRegistry devices, ITimelineStore timelines, IIngestionStateStore state, IWorkflowEventSink events, TimeProvider time,
    EnrichmentOptions? enrichment = null, MappingCatalog? mappings = null, ClinicalProfiles? profiles = null)
{
    private readonly IngestionPipeline _pipeline = new(new IngestionOptions(), enrichment ?? new EnrichmentOptions());
    private readonly BatchLocks _locks = new();

    public async Task<BatchOutcome> ProcessAsync(IReadOnlyList<ReceivedMessage> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return new BatchOutcome(0, 0, 0, 0, 0);
        }

        var deviceIds = batch.Select(m => m.AuthenticatedDeviceId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var registered = (await devices.FindManyAsync(deviceIds, cancellationToken).ConfigureAwait(false)).Where(d => !d.IsDeleted).ToList();
        // The patients its devices are or were bound to: the only ones its readings can reach.
        var patientIds = registered.SelectMany(d => d.Bindings).Select(b => b.PatientId).ToHashSet(StringComparer.Ordinal);
        using var held = await _locks.AcquireAsync(LockKeys(deviceIds, patientIds), cancellationToken).ConfigureAwait(false);
        var context = await LoadContextAsync(batch, registered, patientIds, cancellationToken).ConfigureAwait(false);
        var result = _pipeline.Process(batch, context);

        await timelines.AppendAsync(batch[0].SourcePosition, TimelineRecords.From(result), cancellationToken).ConfigureAwait(false);
        if (result.Events.Count > 0)
        {
            await events.PublishAsync(result.Events, cancellationToken).ConfigureAwait(false);
        }

        var touched = result.TouchedPatients.Select(id => context.States[id]).ToList();
        await state.SaveAsync(touched, context.NewlySeen, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var lastSeen = batch.Where(m => m.AuthenticatedDeviceId is not null)
            .GroupBy(m => m.AuthenticatedDeviceId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(m => m.ReceivedAt), StringComparer.Ordinal);
        await devices.MarkSeenAsync(lastSeen, cancellationToken).ConfigureAwait(false);

        var replayed = result.Outcomes.Where(o => o.Status == MessageStatus.Duplicate).Select(o => (o.DeviceId!, o.MessageId!)).ToList();
        return new BatchOutcome(batch.Count, result.Readings.Count, result.Quarantine.Count, replayed.Count, result.Events.Count) { Replayed = replayed };
    }

    /// <summary>
    /// What a batch changes, for <see cref="BatchLocks"/>: the states of the patients it loads and its devices' message
    /// ids. Batches of different partitions share none unless a device moved between patients, and then they must not
    /// interleave.
    /// </summary>
    private static HashSet<string> LockKeys(IEnumerable<string> deviceIds, IEnumerable<string> patientIds)
    {
        var keys = deviceIds.Select(id => "device:" + id).ToHashSet(StringComparer.Ordinal);
        keys.UnionWith(patientIds.Select(id => "patient:" + id));
        return keys;
    }

    private async Task<InMemoryIngestionContext> LoadContextAsync(
        IReadOnlyList<ReceivedMessage> batch, IReadOnlyList<DeviceRecord> registered, HashSet<string> patientIds,
        CancellationToken cancellationToken)
    {
        var context = new InMemoryIngestionContext(batch.Count);
        foreach (var device in registered)
        {
            context.AddDevice(device.Id, device.Status);
            if (mappings is not null && await mappings.FindAsync(device.Manufacturer, device.Model, cancellationToken).ConfigureAwait(false) is { } mapping)
            {
                context.AddMapping(device.Id, mapping);
            }

            foreach (var binding in device.Bindings)
            {
                context.AddBinding(binding);
            }
        }

        foreach (var patient in await state.LoadStatesAsync(patientIds, cancellationToken).ConfigureAwait(false))
        {
            context.AddState(patient);
        }

        if (profiles is not null && patientIds.Count > 0)
        {
            foreach (var profile in await profiles.LoadAsync(patientIds, cancellationToken).ConfigureAwait(false))
            {
                context.SetProfile(profile);
            }
        }

        var keys = batch.Where(m => m.AuthenticatedDeviceId is not null)
            .Select(m => (DeviceId: m.AuthenticatedDeviceId!, MessageId: MessageIdOf(m, context)))
            .Where(k => k.MessageId is not null)
            .Select(k => (k.DeviceId, k.MessageId!));
        foreach (var (deviceId, messageId, position) in await state.LoadSeenAsync(keys, cancellationToken).ConfigureAwait(false))
        {
            context.AddSeen(deviceId, messageId, position);
        }

        return context;
    }

    /// <summary>The id the pipeline will check for duplicates: the contract's <c>messageId</c>, or a mapped message's id.</summary>
    private static string? MessageIdOf(ReceivedMessage message, InMemoryIngestionContext context) =>
        IngestionPipeline.MappingFor(message, context) is not null
            ? DeviceMapping.MessageIdOf(message)
            : MessageIds.TryRead(message.Body.Span);
}
