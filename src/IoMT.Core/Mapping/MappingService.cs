using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Mapping;

/// <summary>A mapping document to store as a new version: for the organization, or for one manufacturer and model.</summary>
public sealed record MappingUpload(string? Manufacturer, string? Model, string? Description, string Document);

/// <summary>A stored mapping version as the API shows it, the document included.</summary>
public sealed record MappingVersionView(
    string Scope, string? Manufacturer, string? Model, int Version, string? Description, DateTimeOffset UploadedAt, string UploadedBy,
    bool Active, int Templates, JsonElement Document);

/// <summary>
/// Managing device mappings (docs/mappings.md): upload a document (validated; stored as the scope's next version,
/// inactive), list versions, activate one (ingestion picks it up within <see cref="MappingCatalog.RefreshInterval"/>),
/// deactivate. Admins manage every scope; device makers the models of their manufacturer.
/// </summary>
public sealed class MappingService(IMappingStore store, TimeProvider time)
{
    public const string MappingInvalid = "mapping.invalid";
    public const string MappingNotFound = "mapping.not-found";
    private const int MaxNameLength = 128;

    public async Task<ApiResult<MappingVersionView>> UploadAsync(Caller caller, MappingUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(upload);
        var scope = Scope(upload.Manufacturer, upload.Model);
        if (!scope.IsSuccess)
        {
            return scope.Error!;
        }

        if (Deny(caller, scope.Value!) is { } denied)
        {
            return denied;
        }

        var load = DeviceMapping.Load(upload.Document);
        if (!load.IsValid)
        {
            return new ApiError(400, MappingInvalid,
                string.Join(Environment.NewLine, load.Errors.Select(e => $"{e.Code} at '{e.Pointer}': {e.Message}")), "/mapping" + load.Errors[0].Pointer);
        }

        var stored = await store.AddAsync(scope.Value!, upload.Document, upload.Description, caller.Id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return View(stored, active: false);
    }

    public async Task<ApiResult<IReadOnlyList<MappingVersionView>>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Has(Role.Admin) && !caller.Has(Role.DeviceMaker))
        {
            return ApiError.Forbid("Only admins and device makers manage device mappings.");
        }

        var active = (await store.ListActiveAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Scope.Key, a => a.Version, StringComparer.Ordinal);
        var versions = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return versions.Where(v => Deny(caller, v.Scope) is null)
            .OrderBy(v => v.Scope.Key, StringComparer.Ordinal).ThenBy(v => v.Version)
            .Select(v => View(v, active.TryGetValue(v.Scope.Key, out var on) && on == v.Version))
            .ToList();
    }

    public async Task<ApiResult<MappingVersionView>> ActivateAsync(
        Caller caller, string? manufacturer, string? model, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var scope = Scope(manufacturer, model);
        if (!scope.IsSuccess || Deny(caller, scope.Value!) is not null)
        {
            return scope.Error ?? Deny(caller, scope.Value!)!;
        }

        var stored = await store.FindAsync(scope.Value!, version, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new ApiError(404, MappingNotFound, $"No version {version} of the {scope.Value!.Key} mapping.");
        }

        await store.SetActiveAsync(stored.Scope, new ActiveMapping(stored.Scope, version, time.GetUtcNow(), caller.Id), cancellationToken).ConfigureAwait(false);
        return View(stored, active: true);
    }

    /// <summary>Leaves the scope without a mapping: its devices' messages are judged as contract v1 again.</summary>
    public async Task<ApiResult<MappingScope>> DeactivateAsync(Caller caller, string? manufacturer, string? model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var scope = Scope(manufacturer, model);
        if (!scope.IsSuccess || Deny(caller, scope.Value!) is not null)
        {
            return scope.Error ?? Deny(caller, scope.Value!)!;
        }

        await store.SetActiveAsync(scope.Value!, null, cancellationToken).ConfigureAwait(false);
        return scope.Value!;
    }

    private static ApiResult<MappingScope> Scope(string? manufacturer, string? model)
    {
        if (string.IsNullOrWhiteSpace(manufacturer) != string.IsNullOrWhiteSpace(model))
        {
            return ApiError.InvalidBody(string.IsNullOrWhiteSpace(model) ? "/model" : "/manufacturer",
                "Give both manufacturer and model (a mapping for one model), or neither (the organization's mapping).");
        }

        if (manufacturer?.Contains('/', StringComparison.Ordinal) == true)
        {
            return ApiError.InvalidBody("/manufacturer", "A manufacturer name may not contain '/'.");
        }

        if (manufacturer?.Length > MaxNameLength || model?.Length > MaxNameLength)
        {
            return ApiError.InvalidBody(manufacturer?.Length > MaxNameLength ? "/manufacturer" : "/model", $"At most {MaxNameLength} characters.");
        }

        return string.IsNullOrWhiteSpace(manufacturer) ? MappingScope.Organization : new MappingScope(manufacturer, model);
    }

    private static ApiError? Deny(Caller caller, MappingScope scope) =>
        caller.Has(Role.Admin) || (caller.Has(Role.DeviceMaker) && caller.Manufacturer is not null && scope.Manufacturer == caller.Manufacturer)
            ? null
            : ApiError.Forbid(scope.Manufacturer is null
                ? "Only admins manage the organization's mapping."
                : "Only admins and the model's device maker manage its mapping.");

    /// <summary>Stored versions loaded when they were uploaded, so their template count is the length of their template list.</summary>
    private static MappingVersionView View(MappingVersion version, bool active)
    {
        using var document = JsonDocument.Parse(version.Document, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement.Clone();
        return new MappingVersionView(version.Scope.Key, version.Scope.Manufacturer, version.Scope.Model, version.Version, version.Description,
            version.UploadedAt, version.UploadedBy, active, root.GetProperty("template").GetArrayLength(), root);
    }
}
