using System.Globalization;
using System.Text.Json.Nodes;
using IoMT.Core.Patients;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>
/// Patients' clinical settings in the directory container, in each patient's partition (<c>patient:{id}</c>): one
/// settings document with its version, and one document per change (<c>clinicalSettingsChange:{id}:{version}</c>).
/// A change and the settings it sets are written in one transactional batch, conditional on the settings document's
/// ETag; a change saved meanwhile makes it read again and retry. Reads are point reads (the history by version number),
/// so nothing needs an index.
/// </summary>
public sealed class CosmosClinicalSettingsStore : IClinicalSettingsStore
{
    public const string SettingsType = "clinicalSettings";
    public const string ChangeType = "clinicalSettingsChange";
    private const int Attempts = 10;
    private readonly IDirectoryContainer _container;

    public CosmosClinicalSettingsStore(Container container)
        : this(new CosmosDirectoryContainer(container))
    {
    }

    internal CosmosClinicalSettingsStore(IDirectoryContainer container)
    {
        _container = container;
    }

    public async Task<IReadOnlyDictionary<string, ClinicalSettings>> FindManyAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var items = patientIds.Distinct(StringComparer.Ordinal).Select(id => (Partition(id), SettingsId(id))).ToList();
        var documents = await _container.ReadManyAsync(items, cancellationToken).ConfigureAwait(false);
        return documents.ToDictionary(d => (string)d["patientId"]!, d => Settings(d["settings"]), StringComparer.Ordinal);
    }

    public async Task SaveAsync(string patientId, ClinicalSettingsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(change);
        var partition = Partition(patientId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var stored = await _container.ReadAsync(partition, SettingsId(patientId), cancellationToken).ConfigureAwait(false);
            var version = (long?)stored?.Json["version"] ?? 0;
            var previous = stored is null ? Json(ClinicalSettings.Default) : stored.Json["settings"]!.DeepClone();
            var settings = SettingsDocument(patientId, version + 1, change.Settings);
            var record = ChangeDocument(patientId, version + 1, change, previous);
            var written = stored is null
                ? await _container.CreateAsync(partition, [settings, record], cancellationToken).ConfigureAwait(false)
                : await _container.ReplaceAsync(partition, settings, stored.ETag, [record], cancellationToken).ConfigureAwait(false);
            if (written)
            {
                return;
            }
        }

        throw new InvalidOperationException("The clinical settings kept changing while this change was saved; try again.");
    }

    public async Task<IReadOnlyList<ClinicalSettingsChange>> HistoryAsync(string patientId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        var partition = Partition(patientId);
        var stored = await _container.ReadAsync(partition, SettingsId(patientId), cancellationToken).ConfigureAwait(false);
        var newest = (long?)stored?.Json["version"] ?? 0;
        var items = new List<(string, string)>();
        for (var version = newest; version > 0 && items.Count < limit; version--)
        {
            items.Add((partition, ChangeId(patientId, version)));
        }

        var documents = await _container.ReadManyAsync(items, cancellationToken).ConfigureAwait(false);
        return [.. documents.OrderByDescending(d => (long)d["version"]!).Select(d => new ClinicalSettingsChange(
            new DateTimeOffset((long)d["at"]!, TimeSpan.Zero), (string)d["actor"]!, (string)d["reason"]!, Settings(d["previous"]), Settings(d["settings"])))];
    }

    private static string Partition(string patientId) => "patient:" + patientId;

    private static string SettingsId(string patientId) => "clinicalSettings:" + patientId;

    private static string ChangeId(string patientId, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"clinicalSettingsChange:{patientId}:{version:D10}");

    private static JsonObject SettingsDocument(string patientId, long version, ClinicalSettings settings) => new()
    {
        ["id"] = SettingsId(patientId),
        ["pk"] = Partition(patientId),
        ["type"] = SettingsType,
        ["patientId"] = patientId,
        ["version"] = version,
        ["settings"] = Json(settings),
    };

    private static JsonObject ChangeDocument(string patientId, long version, ClinicalSettingsChange change, JsonNode previous) => new()
    {
        ["id"] = ChangeId(patientId, version),
        ["pk"] = Partition(patientId),
        ["type"] = ChangeType,
        ["patientId"] = patientId,
        ["version"] = version,
        ["at"] = change.At.UtcTicks,
        ["actor"] = change.Actor,
        ["reason"] = change.Reason,
        ["previous"] = previous,
        ["settings"] = Json(change.Settings),
    };

    private static JsonNode Json(ClinicalSettings settings) => JsonNode.Parse(ClinicalSettingsJson.Serialize(settings))!;

    private static ClinicalSettings Settings(JsonNode? node) => ClinicalSettingsJson.Deserialize(node!.ToJsonString());
}
