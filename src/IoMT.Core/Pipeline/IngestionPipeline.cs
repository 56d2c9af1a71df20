using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;

namespace IoMT.Core.Pipeline;

/// <summary>
/// Processes a batch of received messages: parse and validate → device checks → duplicate check → per reading,
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
        var result = new IngestionResult();
        var readings = new List<ReadingResult>();
        for (var i = 0; i < batch.Count; i++)
        {
            readings.Clear();
            ProcessMessage(i, batch[i], context, readings, result);
        }

        return result;
    }

    private void ProcessMessage(int batchIndex, ReceivedMessage message, IIngestionContext context, List<ReadingResult> readings, IngestionResult result)
    {
        var body = message.Body.Span;
        var envelope = TelemetryParser.Parse(body, message.AuthenticatedDeviceId, message.ReceivedAt, Options, readings);
        var deviceId = message.AuthenticatedDeviceId ?? envelope.DeviceId ?? "";
        var messageError = envelope.Error ?? CheckDevice(deviceId, context);
        if (messageError is not null)
        {
            result.Add(new QuarantineRecord(deviceId, PatientAtReceipt(deviceId, message, context), envelope.MessageId, -1, message.ReceivedAt,
                message.SourcePosition, messageError, RawPayload.From(body)));
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
        News2Due? news2Due = null;
        (PatientState State, PatientProfile Profile)? patient = null;
        foreach (var reading in readings)
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
                if (!ReferenceEquals(patientId, patient?.State.PatientId))
                {
                    // The readings of a message usually belong to one patient: look them up once.
                    patient = (context.GetState(patientId), context.GetProfile(patientId));
                }

                source ??= new MessageSource(deviceId, messageId, message.ReceivedAt, message.SourcePosition);
                var entry = new ReadingEntry(patientId, source, reading.Index, reading.Reading!);
                var alerting = message.ReceivedAt - entry.At <= Options.MaxAlertingAge;
                if (news2Due is { } due && (!ReferenceEquals(due.State, patient.Value.State) || due.Entry.At != entry.At))
                {
                    ScoreNews2(due, result);
                    news2Due = null;
                }

                if (new PatientMonitor(patient.Value.State, patient.Value.Profile, enrichment, result).Observe(entry, alerting))
                {
                    news2Due = new News2Due(patient.Value.State, patient.Value.Profile, entry, alerting);
                }

                result.Add(entry);
            }
        }

        if (news2Due is { } last)
        {
            ScoreNews2(last, result);
        }

        var status = rejected is null ? MessageStatus.Accepted : accepted > 0 ? MessageStatus.Partial : MessageStatus.Rejected;
        result.Add(new MessageOutcome(batchIndex, status, messageId, deviceId, accepted, rejected is null ? [] : rejected));
    }

    private void ScoreNews2(News2Due due, IngestionResult result) =>
        new PatientMonitor(due.State, due.Profile, enrichment, result).ScoreNews2(due.Entry, due.Alerting);

    /// <summary>A NEWS2 parameter changed at <see cref="Entry"/>'s instant; scored once that instant's readings are in.</summary>
    private readonly record struct News2Due(PatientState State, PatientProfile Profile, ReadingEntry Entry, bool Alerting);

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
