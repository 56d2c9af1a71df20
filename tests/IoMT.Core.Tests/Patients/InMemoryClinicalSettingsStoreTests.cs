using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

/// <summary>The reference store the Core tests use keeps the same contract as the real ones.</summary>
public class InMemoryClinicalSettingsStoreTests : ClinicalSettingsStoreContract
{
    protected override Task<IClinicalSettingsStore> CreateStoreAsync() => Task.FromResult<IClinicalSettingsStore>(new InMemoryClinicalSettingsStore());
}
