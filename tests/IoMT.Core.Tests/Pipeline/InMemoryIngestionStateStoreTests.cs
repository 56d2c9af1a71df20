using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public sealed class InMemoryIngestionStateStoreTests : IngestionStateStoreContract
{
    protected override Task<IIngestionStateStore> CreateStoreAsync() => Task.FromResult<IIngestionStateStore>(new InMemoryIngestionStateStore());
}
