using IoMT.Core.Mapping;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

public sealed class CosmosMappingStoreTests : MappingStoreContract
{
    protected override IMappingStore Store { get; } = new CosmosMappingStore(new InMemoryDirectoryContainer());
}
