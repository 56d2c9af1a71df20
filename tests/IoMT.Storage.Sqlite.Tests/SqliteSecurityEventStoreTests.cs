using IoMT.Core.Access;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteSecurityEventStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("iomt-audit-").FullName;

    [Fact]
    public async Task Append_UnauthenticatedBeyondTheCap_OnlyTheNewestKept_AuthenticatedNeverPushedOut()
    {
        using var store = new SqliteSecurityEventStore(Path.Combine(_directory, "audit.db"), unauthenticatedCap: 10);
        await store.AppendAsync(Event(SecurityEventCodes.AccessDenied, "coordinator-7", T0));

        for (var i = 0; i < 25; i++)
        {
            await store.AppendAsync(Event(SecurityEventCodes.DeviceUnknown, $"device:d-{i}", T0.AddSeconds(i)));
        }

        var all = await store.ListAsync(new SecurityEventQuery(DateTimeOffset.MinValue));
        Assert.Equal(11, all.Count);
        Assert.Equal("device:d-24", all[0].Actor);
        Assert.Equal("device:d-15", all[9].Actor);
        Assert.Equal(("coordinator-7", true), (all[10].Actor, all[10].Authenticated));
    }

    [Fact]
    public async Task Append_UnauthenticatedOlderThanTheRetention_Expired()
    {
        using var store = new SqliteSecurityEventStore(Path.Combine(_directory, "audit.db"), unauthenticatedRetention: TimeSpan.FromDays(7));
        await store.AppendAsync(Event(SecurityEventCodes.Unauthenticated, "anonymous", T0));
        await store.AppendAsync(Event(SecurityEventCodes.Forbidden, "nurse-7", T0));

        await store.AppendAsync(Event(SecurityEventCodes.DeviceUnauthenticated, "device:d-1", T0.AddDays(8)));

        Assert.Equal(["device:d-1", "nurse-7"], (await store.ListAsync(new SecurityEventQuery(DateTimeOffset.MinValue))).Select(e => e.Actor));
    }

    [Fact]
    public async Task List_FiltersAndPagesNewestFirst()
    {
        using var store = new SqliteSecurityEventStore(Path.Combine(_directory, "audit.db"));
        await store.AppendAsync(Event(SecurityEventCodes.AccessDenied, "coordinator-7", T0) with { Source = "10.0.0.7" });
        await store.AppendAsync(Event(SecurityEventCodes.DeviceUnknown, "device:ghost", T0.AddSeconds(1)));
        await store.AppendAsync(Event(SecurityEventCodes.AccessDenied, "coordinator-8", T0.AddSeconds(2)));
        await store.AppendAsync(Event(SecurityEventCodes.Forbidden, "coordinator-7", T0.AddSeconds(3)));

        var firstPage = await store.ListAsync(new SecurityEventQuery(T0, Limit: 2));
        var secondPage = await store.ListAsync(new SecurityEventQuery(T0, Limit: 2, Before: firstPage[^1].Id));
        var denied = await store.ListAsync(new SecurityEventQuery(T0, Code: SecurityEventCodes.AccessDenied));
        var byActor = await store.ListAsync(new SecurityEventQuery(T0, Actor: "coordinator-7"));
        var unauthenticated = await store.ListAsync(new SecurityEventQuery(T0, Authenticated: false));
        var authenticated = await store.ListAsync(new SecurityEventQuery(T0, Authenticated: true));
        var since = await store.ListAsync(new SecurityEventQuery(T0.AddSeconds(2)));

        Assert.Equal(["coordinator-7", "coordinator-8", "device:ghost", "coordinator-7"], firstPage.Concat(secondPage).Select(e => e.Actor));
        Assert.Equal(["coordinator-8", "coordinator-7"], denied.Select(e => e.Actor));
        Assert.Equal("10.0.0.7", denied[1].Source);
        Assert.Equal([SecurityEventCodes.Forbidden, SecurityEventCodes.AccessDenied], byActor.Select(e => e.Code));
        Assert.Equal("device:ghost", Assert.Single(unauthenticated).Actor);
        Assert.Equal(3, authenticated.Count);
        Assert.Equal(2, since.Count);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SecurityEvent Event(string code, string actor, DateTimeOffset at) => new(at, code, actor, "GET /x", null, 1);
}
