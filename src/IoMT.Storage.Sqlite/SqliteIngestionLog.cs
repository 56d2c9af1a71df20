using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite;

/// <summary>
/// A message as the gateway accepted it, at its position in the log: <see cref="MessageId"/> is the transport's message
/// id (IoT Hub's <c>message-id</c>) when the device set one, <see cref="Properties"/> the other properties it sent.
/// </summary>
public sealed record LoggedMessage(long Sequence, int Partition, string DeviceId, string? MessageId, DateTimeOffset ReceivedAt, byte[] Body)
{
    /// <summary>Where the message is in the log: <c>{partition}:{sequence}</c>, the same on every redelivery.</summary>
    public string SourcePosition => string.Create(CultureInfo.InvariantCulture, $"{Partition}:{Sequence}");

    /// <summary>The properties besides the message id (which is <see cref="MessageId"/>).</summary>
    public DeviceMessageProperties Properties { get; init; } = DeviceMessageProperties.None;

    /// <summary>The message as ingestion takes it, as the Azure host makes one of an Event Hubs event.</summary>
    public ReceivedMessage ToReceived() =>
        new(Body, DeviceId, ReceivedAt, SourcePosition) { Properties = Properties.ForIngestion(), TransportMessageId = MessageId };
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

        // A message's properties besides its id (correlation id, content type and encoding, creation time, application
        // properties) as JSON; NULL for the many messages that carry none.
        new(2, "ALTER TABLE messages ADD COLUMN properties TEXT;"),
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
        string deviceId, string? messageId, DateTimeOffset receivedAt, byte[] body, string? partitionKey = null, CancellationToken cancellationToken = default) =>
        (await AppendAsync(deviceId, [new DeviceMessage(body, messageId is null ? DeviceMessageProperties.None : new DeviceMessageProperties { MessageId = messageId })],
            receivedAt, partitionKey, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Appends the messages of <paramref name="deviceId"/> (one, or a batch the device sent at once), each with its
    /// message id and properties, in one commit: all are durably stored when this completes, or none is.
    /// </summary>
    public async Task<IReadOnlyList<LoggedMessage>> AppendAsync(
        string deviceId, IReadOnlyList<DeviceMessage> messages, DateTimeOffset receivedAt, string? partitionKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var partition = PartitionOf(partitionKey ?? deviceId);
        var pending = new PendingAppend([.. messages.Select(m => new Entry(deviceId, m, receivedAt, partition))]);
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
            SELECT seq, partition, device_id, message_id, received_at, body, properties FROM messages
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
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), (byte[])reader[5])
            {
                Properties = reader.IsDBNull(6) ? DeviceMessageProperties.None : StoredProperties.Read(reader.GetString(6)),
            });
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
        var group = new List<PendingAppend>();
        while (await _appends.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var entries = 0;
            while (entries < MaxGroup && _appends.Reader.TryRead(out var pending))
            {
                group.Add(pending);
                entries += pending.Entries.Length;
            }

            try
            {
                var stored = await _database.WriteAsync((connection, transaction) =>
                {
                    // The sequence number is the row id SQLite just assigned: RETURNING would build and drop a temporary
                    // table for every message (about a tenth of the host's CPU at 3,000 messages a second).
                    using var insert = Command(connection, transaction, """
                        INSERT INTO messages (partition, device_id, message_id, received_at, body, properties) VALUES ($partition, $device, $message, $at, $body, $props)
                        """);
                    var stored = new LoggedMessage[group.Count][];
                    for (var p = 0; p < group.Count; p++)
                    {
                        var entries = group[p].Entries;
                        stored[p] = new LoggedMessage[entries.Length];
                        for (var i = 0; i < entries.Length; i++)
                        {
                            var e = entries[i];
                            insert.Parameters["$partition"].Value = e.Partition;
                            insert.Parameters["$device"].Value = e.DeviceId;
                            insert.Parameters["$message"].Value = (object?)e.Message.Properties.MessageId ?? DBNull.Value;
                            insert.Parameters["$at"].Value = e.ReceivedAt.UtcTicks;
                            insert.Parameters["$body"].Value = e.Message.Body;
                            insert.Parameters["$props"].Value = (object?)e.PropertiesJson ?? DBNull.Value;
                            insert.ExecuteNonQuery();
                            stored[p][i] = new LoggedMessage(SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle), e.Partition, e.DeviceId, e.Message.Properties.MessageId, e.ReceivedAt, e.Message.Body)
                            {
                                Properties = e.PropertiesJson is null ? DeviceMessageProperties.None : e.Message.Properties with { MessageId = null },
                            };
                        }
                    }

                    return stored;
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

    /// <summary>The messages of one append, stored in the same commit.</summary>
    private sealed record PendingAppend(Entry[] Entries)
    {
        public TaskCompletionSource<IReadOnlyList<LoggedMessage>> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A message to store; its properties are serialized by the sender, not by the log's only writer.</summary>
    private sealed record Entry(string DeviceId, DeviceMessage Message, DateTimeOffset ReceivedAt, int Partition)
    {
        public string? PropertiesJson { get; } = Message.Properties.HasNoOtherProperties ? null : StoredProperties.Write(Message.Properties);
    }

    /// <summary>
    /// The <c>properties</c> column: <c>{"correlationId", "contentType", "contentEncoding", "creationTimeUtc",
    /// "application": {name: value}}</c>, members present only when set (the message id has its own column).
    /// </summary>
    private static class StoredProperties
    {
        public static string Write(DeviceMessageProperties properties)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                WriteIfSet(writer, "correlationId", properties.CorrelationId);
                WriteIfSet(writer, "contentType", properties.ContentType);
                WriteIfSet(writer, "contentEncoding", properties.ContentEncoding);
                WriteIfSet(writer, "creationTimeUtc", properties.CreationTimeUtc);
                if (properties.Application.Count > 0)
                {
                    writer.WriteStartObject("application");
                    foreach (var (name, value) in properties.Application)
                    {
                        writer.WriteString(name, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        public static DeviceMessageProperties Read(string json)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var application = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("application", out var stored))
            {
                foreach (var property in stored.EnumerateObject())
                {
                    application[property.Name] = property.Value.GetString()!;
                }
            }

            return new DeviceMessageProperties
            {
                CorrelationId = Text(root, "correlationId"),
                ContentType = Text(root, "contentType"),
                ContentEncoding = Text(root, "contentEncoding"),
                CreationTimeUtc = Text(root, "creationTimeUtc"),
                Application = application,
            };
        }

        private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        private static string? Text(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetString() : null;
    }
}
