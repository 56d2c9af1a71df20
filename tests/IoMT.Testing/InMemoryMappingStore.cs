using IoMT.Core.Mapping;

namespace IoMT.Testing;

/// <summary>A mapping store in memory, for tests of the mapping service, the catalog and ingestion.</summary>
public sealed class InMemoryMappingStore : IMappingStore
{
    private readonly List<MappingVersion> _versions = [];
    private readonly Dictionary<string, ActiveMapping> _active = new(StringComparer.Ordinal);

    public int ActiveReads { get; private set; }

    public Task<MappingVersion> AddAsync(
        MappingScope scope, string document, string? description, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_versions)
        {
            var version = new MappingVersion(scope, _versions.Count(v => v.Scope == scope) + 1, document, description, at, uploadedBy);
            _versions.Add(version);
            return Task.FromResult(version);
        }
    }

    public Task<IReadOnlyList<MappingVersion>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_versions)
        {
            return Task.FromResult<IReadOnlyList<MappingVersion>>([.. _versions]);
        }
    }

    public Task<MappingVersion?> FindAsync(MappingScope scope, int version, CancellationToken cancellationToken = default)
    {
        lock (_versions)
        {
            return Task.FromResult(_versions.FirstOrDefault(v => v.Scope == scope && v.Version == version));
        }
    }

    public Task<IReadOnlyList<ActiveMapping>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        lock (_versions)
        {
            ActiveReads++;
            return Task.FromResult<IReadOnlyList<ActiveMapping>>([.. _active.Values]);
        }
    }

    public Task SetActiveAsync(MappingScope scope, ActiveMapping? active, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_versions)
        {
            if (active is null)
            {
                _active.Remove(scope.Key);
            }
            else
            {
                _active[scope.Key] = active;
            }
        }

        return Task.CompletedTask;
    }
}
