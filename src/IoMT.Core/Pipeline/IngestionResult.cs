using IoMT.Core.Alerts;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;

namespace IoMT.Core.Pipeline;

public enum MessageStatus
{
    /// <summary>Every reading was accepted.</summary>
    Accepted,

    /// <summary>Some readings were accepted, some rejected.</summary>
    Partial,

    /// <summary>The message, or every reading in it, was rejected.</summary>
    Rejected,

    /// <summary>The device sent this message id before; it was processed then and is ignored now (not an error).</summary>
    Duplicate,
}

/// <summary>A rejection: <see cref="Index"/> is the reading's position, or −1 when the whole message was rejected.</summary>
public readonly record struct RejectedReading(int Index, ValidationError Error);

/// <summary>What happened to one message of the batch (a value: a batch has one per message).</summary>
public readonly record struct MessageOutcome(int BatchIndex, MessageStatus Status, string? MessageId, string? DeviceId, int Accepted, IReadOnlyList<RejectedReading> Rejected);

/// <summary>Everything a batch produced, for the host to write (idempotently, by the entries' deterministic ids).</summary>
public sealed class IngestionResult
{
    private const int TypicalReadingsPerMessage = 3;

    private static long _lastBatch;

    private readonly List<MessageOutcome> _outcomes;
    private readonly List<ReadingEntry> _readings;
    private readonly List<News2Entry> _scores = [];
    private readonly List<QuarantineRecord> _quarantine = [];
    private readonly List<WorkflowEvent> _events = [];
    private readonly List<string> _touchedPatients = [];
    private readonly long _batch = Interlocked.Increment(ref _lastBatch);

    public IngestionResult()
        : this(0)
    {
    }

    /// <summary>
    /// A result for a batch of <paramref name="messages"/> messages: one outcome each, and room for a typical message's
    /// readings each, so that the list of readings seldom grows (each growth copies it).
    /// </summary>
    internal IngestionResult(int messages)
    {
        _outcomes = new List<MessageOutcome>(messages);
        _readings = new List<ReadingEntry>(messages * TypicalReadingsPerMessage);
    }

    public IReadOnlyList<MessageOutcome> Outcomes => _outcomes;

    public IReadOnlyList<ReadingEntry> Readings => _readings;

    public IReadOnlyList<News2Entry> Scores => _scores;

    public IReadOnlyList<QuarantineRecord> Quarantine => _quarantine;

    public IReadOnlyList<WorkflowEvent> Events => _events;

    /// <summary>Patients whose state changed and must be persisted.</summary>
    public IReadOnlyCollection<string> TouchedPatients => _touchedPatients;

    internal void Add(MessageOutcome outcome) => _outcomes.Add(outcome);

    /// <summary>Adds a reading of the patient whose <paramref name="state"/> it changed.</summary>
    internal void Add(ReadingEntry entry, PatientState state)
    {
        _readings.Add(entry);

        // Each patient once: the state remembers the last batch that touched it, so no set of patient ids is hashed.
        if (state.TouchedInBatch != _batch)
        {
            state.TouchedInBatch = _batch;
            _touchedPatients.Add(state.PatientId);
        }
    }

    internal void Add(News2Entry entry) => _scores.Add(entry);

    internal void Add(QuarantineRecord record) => _quarantine.Add(record);

    internal void Add(WorkflowEvent workflowEvent) => _events.Add(workflowEvent);
}
