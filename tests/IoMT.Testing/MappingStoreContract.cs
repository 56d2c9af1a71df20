using IoMT.Core.Mapping;
using Xunit;

namespace IoMT.Testing;

/// <summary>What every <see cref="IMappingStore"/> must do; each store's tests derive from this.</summary>
public abstract class MappingStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly MappingScope Cuff = new("Acme Medical", "AC-200");

    protected abstract IMappingStore Store { get; }

    [Fact]
    public async Task Add_NumbersVersionsPerScope()
    {
        var first = await Store.AddAsync(Cuff, "{\"a\":1}", "first", "admin", T0);
        var second = await Store.AddAsync(Cuff, "{\"a\":2}", null, "maker", T0.AddMinutes(1));
        var organization = await Store.AddAsync(MappingScope.Organization, "{\"o\":1}", null, "admin", T0);

        Assert.Equal((1, 2, 1), (first.Version, second.Version, organization.Version));
        Assert.Equal(second, await Store.FindAsync(Cuff, 2));
        Assert.Null(await Store.FindAsync(Cuff, 3));
        Assert.Equal(3, (await Store.ListAsync()).Count);
    }

    [Fact]
    public async Task SetActive_OneVersionPerScope_AndDeactivates()
    {
        await Store.AddAsync(Cuff, "{}", null, "admin", T0);
        await Store.AddAsync(Cuff, "{}", null, "admin", T0);
        await Store.AddAsync(MappingScope.Organization, "{}", null, "admin", T0);

        await Store.SetActiveAsync(Cuff, new ActiveMapping(Cuff, 1, T0, "admin"));
        await Store.SetActiveAsync(Cuff, new ActiveMapping(Cuff, 2, T0.AddMinutes(1), "maker"));
        await Store.SetActiveAsync(MappingScope.Organization, new ActiveMapping(MappingScope.Organization, 1, T0, "admin"));
        await Store.SetActiveAsync(MappingScope.Organization, null);

        var active = Assert.Single(await Store.ListActiveAsync());
        Assert.Equal(new ActiveMapping(Cuff, 2, T0.AddMinutes(1), "maker"), active);
    }
}
