using System.Text.Json.Nodes;
using IoMT.Core.Patients;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

/// <summary>The Cosmos DB patient directory's logic against the directory contract, through the in-memory container twin.</summary>
public sealed class CosmosPatientDirectoryTests : PatientDirectoryContract
{
    private readonly InMemoryDirectoryContainer _container = new();

    protected override Task<IPatientDirectory> CreateDirectoryAsync() => Task.FromResult<IPatientDirectory>(new CosmosPatientDirectory(_container));

    [Fact]
    public async Task DocumentWrittenBeforeProfiles_ReadWithoutOne()
    {
        await _container.UpsertAsync("patient:patient-1", JsonNode.Parse("""
            {"id": "patient:patient-1", "pk": "patient:patient-1", "type": "patient", "patientId": "patient-1", "careTeams": ["ward-7"]}
            """)!.AsObject(), CancellationToken.None);

        Assert.Equal(new PatientRecord("patient-1", ["ward-7"]), await Directory.FindAsync("patient-1"));
        Assert.Equal([new PatientRecord("patient-1", ["ward-7"])], await Directory.ListAsync(null, 10));
    }

    [Fact]
    public async Task Profile_StoredUnderProfile_CareTeamsAtTheTopForQueries()
    {
        await Directory.SaveAsync(Profiled("patient-1", "ward-7"));

        var document = (await _container.ReadAsync("patient:patient-1", "patient:patient-1", CancellationToken.None))!.Json;

        Assert.Equal("""["ward-7"]""", document["careTeams"]!.ToJsonString());
        Assert.Equal("Ada Lovelace", (string?)document["profile"]!["displayName"]);
    }
}

/// <summary>The patient directory contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>), in a directory container.</summary>
public sealed class CosmosPatientDirectoryLiveTests : PatientDirectoryContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IPatientDirectory> CreateDirectoryAsync() =>
        new CosmosPatientDirectory(await _live.CreateAsync(CosmosDirectoryContainer.Definition("directory-" + Guid.NewGuid().ToString("N"))));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
