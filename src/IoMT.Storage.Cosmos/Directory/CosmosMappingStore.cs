using System.Globalization;
using System.Text.Json.Nodes;
using IoMT.Core.Mapping;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>
/// Device mappings in the directory container, in one logical partition (<c>mappings</c>): a small catalog document
/// (every scope's version count and the active versions; what ingestion re-reads, one point read) and one document per
/// version. A new version and the catalog change commit together in a transactional batch; concurrent changes retry
/// on the catalog's ETag.
/// </summary>
public sealed class CosmosMappingStore : IMappingStore
{
    private const string Partition = "mappings";
    private const string CatalogId = "catalog";
    private const int Attempts = 10;
    private readonly IDirectoryContainer _container;

    public CosmosMappingStore(Container container)
        : this(new CosmosDirectoryContainer(container))
    {
    }

    internal CosmosMappingStore(IDirectoryContainer container)
    {
        _container = container;
    }

    public async Task<MappingVersion> AddAsync(
        MappingScope scope, string document, string? description, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var stored = await _container.ReadAsync(Partition, CatalogId, cancellationToken).ConfigureAwait(false);
            var catalog = stored?.Json ?? new JsonObject { ["pk"] = Partition, ["id"] = CatalogId, ["type"] = "mappingCatalog", ["counts"] = new JsonObject(), ["active"] = new JsonObject() };
            var counts = catalog["counts"]!.AsObject();
            var version = ((int?)counts[scope.Key] ?? 0) + 1;
            counts[scope.Key] = version;
            var added = new MappingVersion(scope, version, document, description, at, uploadedBy);
            var written = stored is null
                ? await _container.CreateAsync(Partition, [catalog, ToJson(added)], cancellationToken).ConfigureAwait(false)
                : await _container.ReplaceAsync(Partition, catalog, stored.ETag, [ToJson(added)], cancellationToken).ConfigureAwait(false);
            if (written)
            {
                return added;
            }
        }

        throw new InvalidOperationException("The mapping catalog kept changing; try again.");
    }

    public async Task<IReadOnlyList<MappingVersion>> ListAsync(CancellationToken cancellationToken = default)
    {
        var catalog = (await _container.ReadAsync(Partition, CatalogId, cancellationToken).ConfigureAwait(false))?.Json;
        var versions = new List<MappingVersion>();
        foreach (var (key, count) in catalog?["counts"]!.AsObject() ?? [])
        {
            for (var version = 1; version <= (int)count!; version++)
            {
                if (await FindAsync(ScopeOf(key), version, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    versions.Add(found);
                }
            }
        }

        return versions;
    }

    public async Task<MappingVersion?> FindAsync(MappingScope scope, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var stored = await _container.ReadAsync(Partition, VersionId(scope, version), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var json = stored.Json;
        return new MappingVersion(scope, version, (string)json["document"]!, (string?)json["description"],
            DateTimeOffset.Parse((string)json["uploadedAt"]!, CultureInfo.InvariantCulture), (string)json["uploadedBy"]!);
    }

    public async Task<IReadOnlyList<ActiveMapping>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        var catalog = (await _container.ReadAsync(Partition, CatalogId, cancellationToken).ConfigureAwait(false))?.Json;
        return [.. (catalog?["active"]!.AsObject() ?? []).Select(pair => new ActiveMapping(ScopeOf(pair.Key), (int)pair.Value!["version"]!,
            DateTimeOffset.Parse((string)pair.Value["activatedAt"]!, CultureInfo.InvariantCulture), (string)pair.Value["activatedBy"]!))];
    }

    public async Task SetActiveAsync(MappingScope scope, ActiveMapping? active, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var stored = await _container.ReadAsync(Partition, CatalogId, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return;
            }

            var entries = stored.Json["active"]!.AsObject();
            entries.Remove(scope.Key);
            if (active is not null)
            {
                entries[scope.Key] = new JsonObject
                {
                    ["version"] = active.Version,
                    ["activatedAt"] = active.ActivatedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["activatedBy"] = active.ActivatedBy,
                };
            }

            if (await _container.ReplaceAsync(Partition, stored.Json, stored.ETag, [], cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException("The mapping catalog kept changing; try again.");
    }

    /// <summary>Ids may not hold '/', so the scope key is escaped.</summary>
    private static string VersionId(MappingScope scope, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"mapping:{Uri.EscapeDataString(scope.Key)}:{version}");

    private static JsonObject ToJson(MappingVersion version) => new()
    {
        ["pk"] = Partition,
        ["id"] = VersionId(version.Scope, version.Version),
        ["type"] = "mappingVersion",
        ["manufacturer"] = version.Scope.Manufacturer,
        ["model"] = version.Scope.Model,
        ["version"] = version.Version,
        ["document"] = version.Document,
        ["description"] = version.Description,
        ["uploadedAt"] = version.UploadedAt.ToString("O", CultureInfo.InvariantCulture),
        ["uploadedBy"] = version.UploadedBy,
    };

    private static MappingScope ScopeOf(string key)
    {
        if (key == MappingScope.Organization.Key)
        {
            return MappingScope.Organization;
        }

        // "model:{manufacturer}/{model}": a manufacturer may not hold '/', a model may.
        var rest = key["model:".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return new MappingScope(rest[..slash], rest[(slash + 1)..]);
    }
}
