using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Mapping;
using IoMT.Testing;

namespace IoMT.Core.Tests.Mapping;

public sealed class MappingServiceTests
{
    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    private static readonly Caller AcmeMaker = new("maker", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string>(), "Acme Medical");
    private static readonly Caller Nurse = new("nurse", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward" });
    private readonly InMemoryMappingStore _store = new();
    private readonly MappingService _service;

    public MappingServiceTests()
    {
        _service = new MappingService(_store, new ManualClock(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero)));
    }

    private static string Cuff => File.ReadAllText(TestFixtures.PathOf("mappings", "bp-cuff.mapping.json"));

    [Fact]
    public async Task Upload_ValidDocument_StoredAsNextInactiveVersion()
    {
        await _service.UploadAsync(Admin, new MappingUpload("Acme Medical", "AC-200", "first", Cuff));

        var second = await _service.UploadAsync(AcmeMaker, new MappingUpload("Acme Medical", "AC-200", null, Cuff));

        Assert.Equal(("model:Acme Medical/AC-200", 2, false, 3, "maker"),
            (second.Value!.Scope, second.Value.Version, second.Value.Active, second.Value.Templates, second.Value.UploadedBy));
    }

    [Fact]
    public async Task Upload_InvalidDocument_RefusedWithEveryErrorAndNothingStored()
    {
        var result = await _service.UploadAsync(Admin, new MappingUpload(null, null, null, Cuff.Replace("\"pulse\"", "\"pulsar\"", StringComparison.Ordinal)));

        Assert.Equal((400, MappingService.MappingInvalid, "/mapping/template/1/template/typeName"), (result.Error!.Status, result.Error.Code, result.Error.Field));
        Assert.Contains("typeName 'pulsar'", result.Error.Detail, StringComparison.Ordinal);
        Assert.Empty(await _store.ListAsync());
    }

    [Theory]
    [InlineData("Acme Medical", null, "/model")]
    [InlineData(null, "AC-200", "/manufacturer")]
    public async Task Upload_HalfAScope_IsABadRequest(string? manufacturer, string? model, string field)
    {
        var result = await _service.UploadAsync(Admin, new MappingUpload(manufacturer, model, null, Cuff));

        Assert.Equal((ApiError.BodyInvalid, field), (result.Error!.Code, result.Error.Field));
    }

    [Fact]
    public async Task Access_DeviceMakerManagesOnlyItsOwnModels_NurseNothing()
    {
        Assert.Equal(403, (await _service.UploadAsync(AcmeMaker, new MappingUpload(null, null, null, Cuff))).Error!.Status);
        Assert.Equal(403, (await _service.UploadAsync(AcmeMaker, new MappingUpload("Other Corp", "X", null, Cuff))).Error!.Status);
        Assert.Equal(403, (await _service.UploadAsync(Nurse, new MappingUpload("Acme Medical", "AC-200", null, Cuff))).Error!.Status);
        Assert.Equal(403, (await _service.ListAsync(Nurse)).Error!.Status);
    }

    [Fact]
    public async Task List_DeviceMakerSeesOnlyItsManufacturer()
    {
        await _service.UploadAsync(Admin, new MappingUpload(null, null, null, Cuff));
        await _service.UploadAsync(Admin, new MappingUpload("Acme Medical", "AC-200", null, Cuff));

        Assert.Equal(2, (await _service.ListAsync(Admin)).Value!.Count);
        Assert.Equal(["model:Acme Medical/AC-200"], (await _service.ListAsync(AcmeMaker)).Value!.Select(v => v.Scope));
    }

    [Fact]
    public async Task Activate_MarksTheVersionActiveAndRecordsWho()
    {
        await _service.UploadAsync(Admin, new MappingUpload("Acme Medical", "AC-200", null, Cuff));
        await _service.UploadAsync(Admin, new MappingUpload("Acme Medical", "AC-200", null, Cuff));

        await _service.ActivateAsync(AcmeMaker, "Acme Medical", "AC-200", 2);

        Assert.Equal([false, true], (await _service.ListAsync(Admin)).Value!.Select(v => v.Active));
        Assert.Equal("maker", Assert.Single(await _store.ListActiveAsync()).ActivatedBy);
    }

    [Fact]
    public async Task Activate_UnknownVersion_NotFound()
    {
        var result = await _service.ActivateAsync(Admin, null, null, 3);

        Assert.Equal((404, MappingService.MappingNotFound), (result.Error!.Status, result.Error.Code));
    }

    [Fact]
    public async Task Deactivate_LeavesTheScopeWithoutMapping()
    {
        await _service.UploadAsync(Admin, new MappingUpload(null, null, null, Cuff));
        await _service.ActivateAsync(Admin, null, null, 1);

        await _service.DeactivateAsync(Admin, null, null);

        Assert.Empty(await _store.ListActiveAsync());
    }
}
