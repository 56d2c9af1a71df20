using System.Collections.ObjectModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Workflows;

/// <summary>
/// Workflow state in a Cosmos DB container partitioned by <c>/patientId</c> (an alert id starts with its patient id, so
/// every read is a point read or a one-partition query). Documents: <c>alert</c> (id = alert id, the state as JSON
/// under <c>state</c>, plus the fields the inbox filters and sorts by), <c>snooze</c> (expiring by TTL) and
/// <c>schedule</c> (id = <c>schedule:{medication}</c>).
/// </summary>
public sealed class CosmosWorkflowStore(Container container, TimeProvider time) : IWorkflowStore
{
    private const string AlertType = "alert";
    private const string SnoozeType = "snooze";
    private const string ScheduleType = "schedule";
    private const int SaveAttempts = 5;

    /// <summary>The container: TTL on without a default (only snoozes expire); indexed only what the inbox filters and sorts by.</summary>
    public static ContainerProperties Definition(string name)
    {
        var properties = new ContainerProperties(name, "/patientId") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.IncludedPaths.Clear();
        foreach (var path in IndexedPaths)
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>
        {
            new() { Path = "/priorityRank", Order = CompositePathSortOrder.Descending },
            new() { Path = "/raisedAt", Order = CompositePathSortOrder.Ascending },
        });
        return properties;
    }

    public static ReadOnlyCollection<string> IndexedPaths { get; } = new(["/type/?", "/patientId/?", "/status/?", "/priority/?", "/priorityRank/?", "/raisedAt/?", "/until/?"]);

    public async Task SaveAsync(EscalationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var partition = new PartitionKey(state.Alert.PatientId);
        for (var attempt = 1; ; attempt++)
        {
            using var read = await container.ReadItemStreamAsync(state.Alert.AlertId, partition, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (read.StatusCode != HttpStatusCode.NotFound)
            {
                read.EnsureSuccessStatusCode();
                var stored = (JsonObject)(await JsonNode.ParseAsync(read.Content, cancellationToken: cancellationToken).ConfigureAwait(false))!;
                if ((int)stored["sequence"]! >= state.Sequence)
                {
                    return;
                }
            }

            using var content = CosmosStreams.Json(AlertDocument(state));
            using var written = read.StatusCode == HttpStatusCode.NotFound
                ? await container.CreateItemStreamAsync(content, partition, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await container.ReplaceItemStreamAsync(content, state.Alert.AlertId, partition, new ItemRequestOptions { IfMatchEtag = read.Headers.ETag },
                    cancellationToken).ConfigureAwait(false);
            if (written.IsSuccessStatusCode)
            {
                return;
            }

            // Another save got in between: read again, and keep whichever state is later.
            if (written.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed) || attempt == SaveAttempts)
            {
                written.EnsureSuccessStatusCode();
                throw new CosmosException($"Alert state kept changing during {SaveAttempts} save attempts.", written.StatusCode, 0, written.Headers.ActivityId, 0);
            }
        }
    }

    public async Task<EscalationState?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alertId);
        if (AlertIds.PatientIdOf(alertId) is not { } patientId)
        {
            return null;
        }

        return await CosmosStreams.ReadAsync(container, alertId, patientId, ToState, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<EscalationState>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        var states = new List<EscalationState>();
        await foreach (var item in QueryAsync(ListQuery(filter, limit), null, cancellationToken).ConfigureAwait(false))
        {
            states.Add(ToState(item));
        }

        return states;
    }

    public async Task AddSnoozeAsync(string key, SnoozeScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var secondsLeft = (long)Math.Ceiling((scope.Until - time.GetUtcNow()).TotalSeconds);
        var document = new JsonObject
        {
            ["id"] = DeterministicId.Create("sz_", key),
            ["patientId"] = scope.PatientId,
            ["type"] = SnoozeType,
            ["until"] = scope.Until.UtcTicks,
            ["scope"] = JsonNode.Parse(WorkflowJson.Serialize(scope)),
            ["ttl"] = Math.Max(1, secondsLeft + 3600),
        };
        using var content = CosmosStreams.Json(document);
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(scope.PatientId), cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<SnoozeScope>> ActiveSnoozesAsync(string patientId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.until > @now")
            .WithParameter("@type", SnoozeType)
            .WithParameter("@now", now.UtcTicks);
        var scopes = new List<SnoozeScope>();
        await foreach (var item in QueryAsync(query, patientId, cancellationToken).ConfigureAwait(false))
        {
            scopes.Add(WorkflowJson.Deserialize<SnoozeScope>(item.GetProperty("scope").GetRawText()));
        }

        return scopes;
    }

    public async Task SaveScheduleAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var document = new JsonObject
        {
            ["id"] = "schedule:" + schedule.MedicationId,
            ["patientId"] = schedule.PatientId,
            ["type"] = ScheduleType,
            ["schedule"] = JsonNode.Parse(WorkflowJson.Serialize(schedule)),
        };
        using var content = CosmosStreams.Json(document);
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(schedule.PatientId), cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<MedicationSchedule>> ListSchedulesAsync(string patientId, CancellationToken cancellationToken = default)
    {
        var schedules = new List<MedicationSchedule>();
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type").WithParameter("@type", ScheduleType);
        await foreach (var item in QueryAsync(query, patientId, cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(WorkflowJson.Deserialize<MedicationSchedule>(item.GetProperty("schedule").GetRawText()));
        }

        return [.. schedules.OrderBy(s => s.MedicationId, StringComparer.Ordinal)];
    }

    /// <summary>The inbox query, every value a parameter; sorted by the composite index (priority, then age).</summary>
    public static QueryDefinition ListQuery(AlertFilter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var sql = new StringBuilder("SELECT * FROM c WHERE c.type = @type");
        var parameters = new List<(string, object)> { ("@type", AlertType) };
        sql.Append(" AND ARRAY_CONTAINS(@statuses, c.status)");
        parameters.Add(("@statuses", (filter.Statuses ?? AlertFilter.Open).Select(Name).ToArray()));

        if (filter.Priority is { } priority)
        {
            sql.Append(" AND c.priority = @priority");
            parameters.Add(("@priority", Name(priority)));
        }

        if (filter.PatientIds is { } patients)
        {
            sql.Append(" AND ARRAY_CONTAINS(@patients, c.patientId)");
            parameters.Add(("@patients", patients.ToArray()));
        }

        sql.Append(" ORDER BY c.priorityRank DESC, c.raisedAt ASC OFFSET 0 LIMIT @limit");
        parameters.Add(("@limit", limit));
        return parameters.Aggregate(new QueryDefinition(sql.ToString()), (query, p) => query.WithParameter(p.Item1, p.Item2));
    }

    internal static JsonObject AlertDocument(EscalationState state) => new()
    {
        ["id"] = state.Alert.AlertId,
        ["patientId"] = state.Alert.PatientId,
        ["type"] = AlertType,
        ["status"] = Name(state.Status),
        ["priority"] = Name(state.Alert.Priority),
        ["priorityRank"] = (int)state.Alert.Priority,
        ["raisedAt"] = state.Alert.EscalationStart.UtcTicks,
        ["sequence"] = state.Sequence,
        ["state"] = JsonNode.Parse(WorkflowJson.Serialize(state)),
    };

    private static EscalationState ToState(JsonElement document) => WorkflowJson.Deserialize<EscalationState>(document.GetProperty("state").GetRawText());

    private IAsyncEnumerable<JsonElement> QueryAsync(QueryDefinition query, string? patientId, CancellationToken cancellationToken)
    {
        var options = new QueryRequestOptions { MaxItemCount = 1000 };
        if (patientId is not null)
        {
            options.PartitionKey = new PartitionKey(patientId);
        }

        return CosmosStreams.QueryAsync(container, query, options, item => item.Clone(), cancellationToken);
    }

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

}
