using IoMT.Core.Pipeline;

namespace IoMT.Core.Tests.Pipeline;

public class InMemoryIngestionContextTests
{
    [Fact]
    public void IsDuplicate_ContextSizedForFewerMessages_StillRemembersEveryDevicesIds()
    {
        var context = new InMemoryIngestionContext(messages: 2).AddSeen("d1", "m-loaded", "0:1");

        for (var i = 0; i < 50; i++)
        {
            Assert.False(context.IsDuplicate("d1", $"m-{i}", $"1:{i}"));
            Assert.False(context.IsDuplicate("d2", $"m-{i}", $"2:{i}"));
        }

        Assert.True(context.IsDuplicate("d1", "m-loaded", "1:99"));
        Assert.False(context.IsDuplicate("d1", "m-loaded", "0:1"));
        Assert.True(context.IsDuplicate("d2", "m-49", "1:49"));
        Assert.False(context.IsDuplicate("d2", "m-49", "2:49"));
        Assert.Equal(100, context.NewlySeen.Count);
        Assert.Equal(("d2", "m-49", "2:49"), context.NewlySeen[^1]);
    }

    [Fact]
    public void Constructor_NegativeMessages_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryIngestionContext(messages: -1));
}
