using System.Globalization;
using System.Threading.Channels;
using IoMT.Core.Pipeline;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>A message as the gateway accepted it, at its position in the log.</summary>
public sealed record LoggedMessage(long Sequence, int Partition, string DeviceId, string? MessageId, DateTimeOffset ReceivedAt, byte[] Body)
{
    /// <summary>Where the message is in the log: <c>{partition}:{sequence}</c>, the same on every redelivery.</summary>
    public string SourcePosition => string.Create(CultureInfo.InvariantCulture, $"{Partition}:{Sequence}");
}

/// <summary>
/// The local ingestion log, IoMT.Local's Event Hubs: the gateway appends each accepted message (fully durable: the
/// message survives power loss before the device hears the answer) to the partition of the patient its device is bound
/// to, so that what ingestion derives across a patient's devices (NEWS2) does not depend on how partitions interleave;
/// the processor reads each partition in order, saves what ingestion remembers between batches (patient states,
/// message ids seen; the <see cref="IIngestionStateStore"/>), then checkpoints. Appends that arrive together share one
/// commit (group commit), so many devices cost one fsync; the WAL is copied into the file in the background, so appends do
/// not stop for checkpoints.
/// </summary>
public sealed class SqliteIngestionLog : IIngestionStateStore, IDisposable
{
    public const int Partitions = 4;
    private const int MaxGroup = 500;

    /// <summary>
    /// What the processor commits (patient states, sightings, checkpoints) is written to the WAL without waiting for
    /// the disk: the next device append, synced, takes it to the disk with it. A power cut before that loses the newest
    /// commits in order, so at worst the checkpoint is older than the states and the batch is processed again, as after
    /// a crash between the two; acknowledged messages are always synced.
    /// </summary>
    private const SqliteDurability ProcessedDurability = SqliteDurability.Normal;

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                partition INTEGER NOT NULL,
                device_id TEXT NOT NULL,
                message_id TEXT,
                received_at INTEGER NOT NULL,
                body BLOB NOT NULL);
            CREATE INDEX messages_partition ON messages (partition, seq);
            CREATE TABLE checkpoints (partition INTEGER NOT NULL PRIMARY KEY, seq INTEGER NOT NULL);
            CREATE TABLE seen_messages (
                device_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                position TEXT NOT NULL,
                seen_at INTEGER NOT NULL,
                PRIMARY KEY (device_id, message_id)) WITHOUT ROWID;
            CREATE TABLE patient_states (patient_id TEXT NOT NULL PRIMARY KEY, data TEXT NOT NULL);
            """),
    ];

    private readonly SqliteDatabase _database;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private TaskCompletionSource _nextAppend = NewSignal();
    private readonly Task _writer;

    public SqliteIngestionLog(string path)
    {
        _database = new SqliteDatabase(path, Migrations, SqliteDurability.Full, checkpointsInBackground: true);
        _writer = Task.Run(WriteAppendsAsync);
    }

    /// <summary>The partition of a key: a stable hash (FNV-1a), so the messages of a key stay in order.</summary>
    public static int PartitionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Partitions);
    }

    /// <summary>
    /// Appends a message to the partition of <paramref name="partitionKey"/> (the patient the device is bound to, else
    /// the device); completes once it is durably stored.
    /// </summary>
    public async Task<LoggedMessage> AppendAsync(
        string deviceId, string? messageId, DateTimeOffset receivedAt, byte[] body, string? partitionKey = null, CancellationToken cancellationToken = default)
    {
        var pending = new PendingAppend(deviceId, messageId, receivedAt, body, PartitionOf(partitionKey ?? deviceId));
        await _appends.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when the next appends are stored. A reader takes it before it reads, so that an append stored between
    /// its read and its wait is not missed; any number of readers may wait on it.
    /// </summary>
    public Task NextAppend => Volatile.Read(ref _nextAppend).Task;

    /// <summary>Up to <paramref name="max"/> messages of a partition after its checkpoint (or after <paramref name="after"/>), in order.</summary>
    public Task<IReadOnlyList<LoggedMessage>> ReadAsync(int partition, int max, long? after = null, CancellationToken cancellationToken = default)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, partition, device_id, message_id, received_at, body FROM messages
            WHERE partition = $partition AND seq > COALESCE($after, (SELECT seq FROM checkpoints WHERE partition = $partition), 0)
            ORDER BY seq LIMIT $max
            """;
        command.Parameters.AddWithValue("$partition", partition);
        command.Parameters.AddWithValue("$max", max);
        command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var messages = new List<LoggedMessage>();
        while (reader.Read())
        {
            messages.Add(new LoggedMessage(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), (byte[])reader[5]));
        }

        return Task.FromResult<IReadOnlyList<LoggedMessage>>(messages);
    }

    /// <summary>Messages appended and not yet processed, over all partitions.</summary>
    public long Backlog()
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM messages m WHERE m.seq > COALESCE((SELECT seq FROM checkpoints c WHERE c.partition = m.partition), 0)";
        return (long)command.ExecuteScalar()!;
    }

    public Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM patient_states WHERE patient_id = $id";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var states = new List<PatientState>();
        foreach (var patientId in patientIds.Distinct(StringComparer.Ordinal))
        {
            id.Value = patientId;
            if (command.ExecuteScalar() is string json)
            {
                states.Add(PatientStateJson.Deserialize(json));
            }
        }

        return Task.FromResult<IReadOnlyList<PatientState>>(states);
    }

    public Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
        IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM seen_messages WHERE device_id = $device AND message_id = $message";
        var device = command.Parameters.Add("$device", SqliteType.Text);
        var message = command.Parameters.Add("$message", SqliteType.Text);
        var seen = new List<(string, string, string)>();
        foreach (var key in keys.Distinct())
        {
            (device.Value, message.Value) = key;
            if (command.ExecuteScalar() is string position)
            {
                seen.Add((key.DeviceId, key.MessageId, position));
            }
        }

        return Task.FromResult<IReadOnlyList<(string, string, string)>>(seen);
    }

    /// <remarks>
    /// The states are serialized before the log's writer is taken, so device appends wait for the writes only. This
    /// commit and the checkpoint's are not synced at once (<see cref="ProcessedDurability"/>).
    /// </remarks>
    public Task SaveAsync(
        IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(seen);
        if (states.Count == 0 && seen.Count == 0)
        {
            return Task.CompletedTask;
        }

        var serialized = states.Select(patient => (patient.PatientId, Json: PatientStateJson.Serialize(patient))).ToList();
        return _database.WriteAsync((connection, transaction) =>
        {
            using var state = Command(connection, transaction, "INSERT INTO patient_states (patient_id, data) VALUES ($id, $data) ON CONFLICT (patient_id) DO UPDATE SET data = excluded.data");
            foreach (var (patientId, json) in serialized)
            {
                (state.Parameters["$id"].Value, state.Parameters["$data"].Value) = (patientId, json);
                state.ExecuteNonQuery();
            }

            using var sighting = Command(connection, transaction, "INSERT INTO seen_messages (device_id, message_id, position, seen_at) VALUES ($device, $message, $position, $at) ON CONFLICT DO NOTHING");
            foreach (var (deviceId, messageId, position) in seen)
            {
                (sighting.Parameters["$device"].Value, sighting.Parameters["$message"].Value, sighting.Parameters["$position"].Value) = (deviceId, messageId, position);
                sighting.Parameters["$at"].Value = now.UtcTicks;
                sighting.ExecuteNonQuery();
            }

            return 0;
        }, ProcessedDurability, cancellationToken);
    }

    /// <summary>Records that a partition is processed through <paramref name="throughSequence"/> (never moves back).</summary>
    public Task CheckpointAsync(int partition, long throughSequence, CancellationToken cancellationToken = default) =>
        CheckpointAsync(new Dictionary<int, long> { [partition] = throughSequence }, cancellationToken);

    /// <summary>Records, in one transaction, how far each partition is processed (never moves back).</summary>
    public Task CheckpointAsync(IReadOnlyDictionary<int, long> throughSequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(throughSequences);
        return _database.WriteAsync((connection, transaction) =>
        {
            using var checkpoint = Command(connection, transaction, "INSERT INTO checkpoints (partition, seq) VALUES ($partition, $seq) ON CONFLICT (partition) DO UPDATE SET seq = MAX(seq, excluded.seq)");
            foreach (var (partition, sequence) in throughSequences)
            {
                checkpoint.Parameters["$partition"].Value = partition;
                checkpoint.Parameters["$seq"].Value = sequence;
                checkpoint.ExecuteNonQuery();
            }

            return throughSequences.Count;
        }, ProcessedDurability, cancellationToken);
    }

    /// <summary>Deletes processed messages, and message-id sightings, older than <paramref name="before"/>; returns the messages deleted.</summary>
    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        _database.WriteAsync((connection, transaction) =>
        {
            using var messages = Command(connection, transaction, """
                DELETE FROM messages WHERE received_at < $before
                AND seq <= COALESCE((SELECT seq FROM checkpoints c WHERE c.partition = messages.partition), 0)
                """);
            messages.Parameters["$before"].Value = before.UtcTicks;
            var deleted = messages.ExecuteNonQuery();
            using var seen = Command(connection, transaction, "DELETE FROM seen_messages WHERE seen_at < $before");
            seen.Parameters["$before"].Value = before.UtcTicks;
            seen.ExecuteNonQuery();
            return deleted;
        }, cancellationToken: cancellationToken);

    public void Dispose()
    {
        _appends.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
        _database.Dispose();
    }

    private async Task WriteAppendsAsync()
    {
        var group = new List<PendingAppend>(MaxGroup);
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < MaxGroup && _appends.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                var stored = await _database.WriteAsync((connection, transaction) =>
                {
                    using var insert = Command(connection, transaction, """
                        INSERT INTO messages (partition, device_id, message_id, received_at, body) VALUES ($partition, $device, $message, $at, $body)
                        RETURNING seq
                        """);
                    return group.Select(p =>
                    {
                        insert.Parameters["$partition"].Value = p.Partition;
                        insert.Parameters["$device"].Value = p.DeviceId;
                        insert.Parameters["$message"].Value = (object?)p.MessageId ?? DBNull.Value;
                        insert.Parameters["$at"].Value = p.ReceivedAt.UtcTicks;
                        insert.Parameters["$body"].Value = p.Body;
                        return new LoggedMessage((long)insert.ExecuteScalar()!, p.Partition, p.DeviceId, p.MessageId, p.ReceivedAt, p.Body);
                    }).ToList();
                }).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Stored.TrySetResult(stored[i]);
                }

                Interlocked.Exchange(ref _nextAppend, NewSignal()).TrySetResult();
            }
            catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
            {
                // Nothing of the group was stored: every sender hears it and the device retries.
                group.ForEach(p => p.Stored.TrySetException(e));
            }

            group.Clear();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (System.Text.RegularExpressions.Match name in System.Text.RegularExpressions.Regex.Matches(sql, @"\$[a-z]+"))
        {
            if (!command.Parameters.Contains(name.Value))
            {
                command.Parameters.Add(new SqliteParameter(name.Value, null));
            }
        }

        return command;
    }

    private sealed record PendingAppend(string DeviceId, string? MessageId, DateTimeOffset ReceivedAt, byte[] Body, int Partition)
    {
        public TaskCompletionSource<LoggedMessage> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
