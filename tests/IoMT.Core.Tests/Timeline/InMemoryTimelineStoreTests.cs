using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Timeline;

/// <summary>The reference store passes the contract, which shows the contract itself is consistent.</summary>
public class InMemoryTimelineStoreTests : TimelineStoreContract
{
    protected override Task<ITimelineStore> CreateStoreAsync() => Task.FromResult<ITimelineStore>(new InMemoryTimelineStore());
}
