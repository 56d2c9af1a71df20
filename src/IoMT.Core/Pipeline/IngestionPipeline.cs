using IoMT.Core.Devices;
using IoMT.Core.Mapping;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;

namespace IoMT.Core.Pipeline;

/// <summary>
/// Processes a batch of received messages: map a device's own format to the contract (when it has a mapping) → parse and validate → device checks → duplicate check → per reading,
/// bind to the patient at the reading's time → enrich → alert rules. Every message ends accepted, partial, rejected
/// or duplicate; every rejected message or reading becomes a quarantine record with its reason; nothing is dropped.
/// Pure apart from the <see cref="IIngestionContext"/> working set; thread-safe (no instance state).
/// </summary>
public sealed class IngestionPipeline(IngestionOptions options, EnrichmentOptions enrichment)
{
    public IngestionPipeline()
        : this(new IngestionOptions(), new EnrichmentOptions())
    {
    }

    public IngestionOptions Options { get; } = options;

    public IngestionResult Process(IReadOnlyList<ReceivedMessage> batch, IIngestionContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var result = new IngestionResult(batch.Count);
        var buffers = new Buffers();
        for (var i = 0; i < batch.Count; i++)
        {
            buffers.Clear();
            ProcessMessage(i, batch[i], context, buffers, result);
        }

        return result;
    }

    private void ProcessMessage(int batchIndex, ReceivedMessage message, IIngestionContext context, Buffers buffers, IngestionResult result)
    {
        var mapped = Map(message, context);
        var body = mapped?.Body is { } mappedBody ? mappedBody : message.Body.Span;
        var envelope = mapped?.Rejection is { } unmappable
            ? new MessageEnvelope(mapped.MessageId, null, default, unmappable)
            : Parse(body, message, buffers.Readings);
        var deviceId = message.AuthenticatedDeviceId ?? envelope.DeviceId ?? "";
        var messageError = envelope.Error ?? CheckDevice(deviceId, context);
        if (messageError is not null)
        {
            // The evidence is what the device sent, not what a mapping made of it.
            result.Add(new QuarantineRecord(deviceId, PatientAtReceipt(deviceId, message, context), envelope.MessageId, -1, message.ReceivedAt,
                message.SourcePosition, messageError, RawPayload.From(message.Body.Span)));
            result.Add(new MessageOutcome(batchIndex, MessageStatus.Rejected, envelope.MessageId, deviceId, 0, [new RejectedReading(-1, messageError)]));
            return;
        }

        var messageId = envelope.MessageId!;
        if (context.IsDuplicate(deviceId, messageId, message.SourcePosition))
        {
            var duplicate = new ValidationError(ErrorCodes.MessageDuplicate, "/messageId",
                $"Message '{TelemetryParser.Truncate(messageId)}' of device '{deviceId}' was already received; it is ignored.");
            result.Add(new MessageOutcome(batchIndex, MessageStatus.Duplicate, messageId, deviceId, 0, [new RejectedReading(-1, duplicate)]));
            return;
        }

        var accepted = 0;
        List<RejectedReading>? rejected = null;
        MessageSource? source = null;
        foreach (var reading in buffers.Readings)
        {
            string? patientId = null;
            var error = reading.Error;
            if (error is null && context.ResolvesPatients)
            {
                patientId = context.FindPatient(deviceId, reading.Reading!.At);
                error = patientId is null
                    ? new ValidationError(ErrorCodes.BindingNone, $"/readings/{reading.Index}",
                        $"Device '{deviceId}' was not bound to a patient at {reading.Reading.At:O}.")
                    : null;
            }

            if (error is not null)
            {
                // A reading from outside every binding period belongs to no known patient, not to today's.
                var owner = error.Code == ErrorCodes.BindingNone ? null : PatientAtReceipt(deviceId, message, context);
                result.Add(new QuarantineRecord(deviceId, owner, messageId, reading.Index, message.ReceivedAt, message.SourcePosition, error,
                    RawPayload.From(reading.Raw(body))));
                (rejected ??= []).Add(new RejectedReading(reading.Index, error));
                continue;
            }

            accepted++;
            if (patientId is not null)
            {
                source ??= new MessageSource(deviceId, messageId, message.ReceivedAt, message.SourcePosition);
                buffers.Entries.Add(new ReadingEntry(patientId, source, reading.Index, reading.Reading!));
            }
        }

        // Measurements the mapping matched but could not map are numbered after the readings it produced.
        for (var i = 0; i < (mapped?.Failures.Count ?? 0); i++)
        {
            var failure = mapped!.Failures[i];
            var index = buffers.Readings.Count + i;
            result.Add(new QuarantineRecord(deviceId, PatientAtReceipt(deviceId, message, context), messageId, index, message.ReceivedAt,
                message.SourcePosition, failure.Error, new RawPayload(failure.Raw, false)));
            (rejected ??= []).Add(new RejectedReading(index, failure.Error));
        }

        Monitor(buffers.Entries, message.ReceivedAt, context, result);
        var status = rejected is null ? MessageStatus.Accepted : accepted > 0 ? MessageStatus.Partial : MessageStatus.Rejected;
        result.Add(new MessageOutcome(batchIndex, status, messageId, deviceId, accepted, (IReadOnlyList<RejectedReading>?)rejected ?? []));
    }

    /// <summary>
    /// A message from a device with a mapping is mapped unless it says it is a contract message; null when it is not mapped.
    /// Like the parser, mapping never throws by contract; should a defect make it throw, the message is quarantined.
    /// </summary>
    private MappedMessage? Map(ReceivedMessage message, IIngestionContext context)
    {
        if (MappingFor(message, context) is not { } mapping)
        {
            return null;
        }

        try
        {
            return mapping.Map(message, Options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new MappedMessage(null, DeviceMapping.MessageIdOf(message), [], new ValidationError(ErrorCodes.MessageUnprocessable, "",
                $"The message could not be mapped ({e.GetType().Name}); it is kept for investigation."));
        }
    }

    /// <summary>The mapping that applies to this message: its device's, unless the message says it is a contract message.</summary>
    internal static DeviceMapping? MappingFor(ReceivedMessage message, IIngestionContext context) =>
        message.AuthenticatedDeviceId is { } deviceId && context.FindMapping(deviceId) is { } mapping && !MessageIds.IsContractMessage(message.Body.Span)
            ? mapping
            : null;

    /// <summary>
    /// The parser never throws by contract; should a defect make it throw, the message is quarantined with
    /// <c>message.unprocessable</c> instead of failing the whole batch (which would be redelivered for ever).
    /// </summary>
    private MessageEnvelope Parse(ReadOnlySpan<byte> body, ReceivedMessage message, List<ReadingResult> readings)
    {
        try
        {
            return TelemetryParser.Parse(body, message.AuthenticatedDeviceId, message.ReceivedAt, Options, readings);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            readings.Clear();
            return new MessageEnvelope(null, null, default, new ValidationError(ErrorCodes.MessageUnprocessable, "",
                $"The message could not be processed ({e.GetType().Name}); it is kept for investigation."));
        }
    }

    /// <summary>
    /// Applies a message's accepted readings to their patients in time order (a device may list them in any order), and
    /// scores NEWS2 and grades lung function once per patient and instant, after all the readings of that instant.
    /// </summary>
    private void Monitor(List<ReadingEntry> entries, DateTimeOffset receivedAt, IIngestionContext context, IngestionResult result)
    {
        if (!IsInTimeOrder(entries))
        {
            entries.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Index.CompareTo(b.Index));
        }

        InstantDue? due = null;
        (PatientState State, PatientProfile Profile)? patient = null;
        foreach (var entry in entries)
        {
            if (!ReferenceEquals(entry.PatientId, patient?.State.PatientId))
            {
                // The readings of a message usually belong to one patient: look them up once.
                var (profile, state) = context.GetPatient(entry.PatientId);
                patient = (state, profile);
                new PatientMonitor(patient.Value.State, patient.Value.Profile, enrichment, result, receivedAt).CloseEpisodesOfRulesLeftThePolicy(entry);
            }

            if (due is { } pending && (!ReferenceEquals(pending.State, patient.Value.State) || pending.Entry.At != entry.At))
            {
                Complete(pending, result);
                due = null;
            }

            var alerting = receivedAt - entry.At <= Options.MaxAlertingAge;
            var work = new PatientMonitor(patient.Value.State, patient.Value.Profile, enrichment, result, receivedAt).Observe(entry, alerting);
            if (work != InstantWork.None)
            {
                due = new InstantDue(patient.Value.State, patient.Value.Profile, entry, alerting, receivedAt, work | (due?.Work ?? InstantWork.None));
            }

            result.Add(entry, patient.Value.State);
        }

        if (due is { } last)
        {
            Complete(last, result);
        }
    }

    private static bool IsInTimeOrder(List<ReadingEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].At < entries[i - 1].At)
            {
                return false;
            }
        }

        return true;
    }

    private void Complete(InstantDue due, IngestionResult result) =>
        new PatientMonitor(due.State, due.Profile, enrichment, result, due.ReceivedAt).CompleteInstant(due.Entry, due.Alerting, due.Work);

    /// <summary>Lists reused from message to message within a batch.</summary>
    private sealed class Buffers
    {
        public List<ReadingResult> Readings { get; } = [];

        public List<ReadingEntry> Entries { get; } = [];

        public void Clear()
        {
            Readings.Clear();
            Entries.Clear();
        }
    }

    /// <summary>What <see cref="Entry"/>'s instant still needs (NEWS2, lung function); done once that instant's readings are in.</summary>
    private readonly record struct InstantDue(PatientState State, PatientProfile Profile, ReadingEntry Entry, bool Alerting, DateTimeOffset ReceivedAt, InstantWork Work);

    /// <summary>Rejected data is filed under the patient the device served when it arrived, when there was one.</summary>
    private static string? PatientAtReceipt(string deviceId, ReceivedMessage message, IIngestionContext context) =>
        context.ResolvesPatients ? context.FindPatient(deviceId, message.ReceivedAt) : null;

    private static ValidationError? CheckDevice(string deviceId, IIngestionContext context)
    {
        if (!context.ChecksDevices)
        {
            return null;
        }

        return context.FindDevice(deviceId) switch
        {
            null => new ValidationError(ErrorCodes.DeviceUnknown, "/deviceId", $"Device '{deviceId}' is not registered."),
            DeviceStatus.Disabled => new ValidationError(ErrorCodes.DeviceDisabled, "/deviceId", $"Device '{deviceId}' is disabled."),
            _ => null,
        };
    }
}
