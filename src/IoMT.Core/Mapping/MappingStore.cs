namespace IoMT.Core.Mapping;

/// <summary>
/// Which devices a mapping is for: every device of the organization (no manufacturer), or the devices of one
/// manufacturer and model, whose mapping wins over the organization's.
/// </summary>
public sealed record MappingScope(string? Manufacturer = null, string? Model = null)
{
    public static MappingScope Organization { get; } = new();

    /// <summary>The scope as stored and listed: <c>organization</c>, or <c>model:{manufacturer}/{model}</c>.</summary>
    public string Key => Manufacturer is null ? "organization" : $"model:{Manufacturer}/{Model}";
}

/// <summary>One uploaded version of a scope's mapping document. Versions are immutable and numbered from 1 per scope.</summary>
public sealed record MappingVersion(
    MappingScope Scope, int Version, string Document, string? Description, DateTimeOffset UploadedAt, string UploadedBy);

/// <summary>Which version of a scope's mapping ingestion uses, since when and by whose decision.</summary>
public sealed record ActiveMapping(MappingScope Scope, int Version, DateTimeOffset ActivatedAt, string ActivatedBy);

/// <summary>Where mapping documents and the choice of active versions are kept (SQLite locally, Cosmos DB in Azure).</summary>
public interface IMappingStore
{
    /// <summary>Stores <paramref name="document"/> as the scope's next version (not active until activated).</summary>
    Task<MappingVersion> AddAsync(
        MappingScope scope, string document, string? description, string uploadedBy, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<MappingVersion>> ListAsync(CancellationToken cancellationToken = default);

    Task<MappingVersion?> FindAsync(MappingScope scope, int version, CancellationToken cancellationToken = default);

    /// <summary>The active version of every scope that has one.</summary>
    Task<IReadOnlyList<ActiveMapping>> ListActiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="active"/> the scope's active version, or with null, leaves the scope without a mapping.</summary>
    Task SetActiveAsync(MappingScope scope, ActiveMapping? active, CancellationToken cancellationToken = default);
}
