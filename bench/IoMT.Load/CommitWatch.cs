using Microsoft.Data.Sqlite;

namespace IoMT.Load;

/// <summary>
/// Learns when messages are committed by reading the host's ingestion log (read-only, as another process may): a
/// message is committed once its partition's checkpoint has passed it, and the processor checkpoints a batch only
/// after its readings, alerts and state are stored. The time taken is an upper bound, by up to one poll.
/// </summary>
public sealed class CommitWatch(string ingestionLogPath, Action<int, long> committed)
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!File.Exists(ingestionLogPath))
        {
            await Task.Delay(Poll, cancellationToken);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ingestionLogPath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var appended = connection.CreateCommand();
        appended.CommandText = "SELECT seq, partition, message_id FROM messages WHERE seq > $last ORDER BY seq";
        var last = appended.Parameters.Add("$last", SqliteType.Integer);
        using var checkpoints = connection.CreateCommand();
        checkpoints.CommandText = "SELECT partition, seq FROM checkpoints";
        var waiting = new Dictionary<int, Queue<(long Sequence, int Index)>>();
        last.Value = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var reader = appended.ExecuteReader())
            {
                while (reader.Read())
                {
                    last.Value = reader.GetInt64(0);
                    if (!reader.IsDBNull(2) && LoadMessages.IndexOf(reader.GetString(2)) is { } index)
                    {
                        var partition = reader.GetInt32(1);
                        if (!waiting.TryGetValue(partition, out var queue))
                        {
                            waiting[partition] = queue = new Queue<(long, int)>();
                        }

                        queue.Enqueue((reader.GetInt64(0), index));
                    }
                }
            }

            using (var reader = checkpoints.ExecuteReader())
            {
                var now = Clock.Now;
                while (reader.Read())
                {
                    if (waiting.TryGetValue(reader.GetInt32(0), out var queue))
                    {
                        var through = reader.GetInt64(1);
                        while (queue.TryPeek(out var next) && next.Sequence <= through)
                        {
                            committed(queue.Dequeue().Index, now);
                        }
                    }
                }
            }

            await Task.Delay(Poll, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
