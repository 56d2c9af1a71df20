using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Core.Users;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteDirectoryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-directory-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDirectory _store;

    public SqliteDirectoryTests()
    {
        _store = new SqliteDirectory(Path.Combine(_directory, "directory.db"));
    }

    [Fact]
    public async Task FindAsync_SavedPatient_WithCareTeams()
    {
        await _store.SaveAsync(new PatientRecord("patient-1", ["ward-7", "copd-clinic"]));

        var patient = await _store.FindAsync("patient-1");

        Assert.Equal(["copd-clinic", "ward-7"], patient!.CareTeams);
        Assert.Null(await _store.FindAsync("patient-2"));
    }

    [Fact]
    public async Task SaveUser_Disabled_TheirTokensSignNoOneIn_TheChangeIsRecordedAndAnnounced()
    {
        await _store.SaveUserAsync(new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));
        var token = await _store.IssueTokenAsync("nurse-7", "laptop", Now, Now.AddDays(30));
        var changes = 0;
        _store.Changed += () => changes++;

        var user = (await _store.FindUserAsync("nurse-7"))!;
        await _store.SaveUserAsync(user with { Disabled = true }, new UserChange(Now, "admin", UserChanges.Disabled, "nurse-7", ""));

        Assert.Null(await _store.FindCallerAsync(token, Now));
        Assert.True((await _store.FindUserAsync("nurse-7"))!.Disabled);
        Assert.Equal(1, changes);
        var history = await _store.HistoryAsync("nurse-7", 10);
        Assert.Equal([("user.disabled", "admin"), ("token.issued", "system"), ("user.saved", "system")], history.Select(c => (c.Action, c.Actor)));
        Assert.Equal("laptop", Assert.Single(await _store.ListTokensAsync("nurse-7")).Label);
    }

    [Fact]
    public async Task RevokeToken_ByIdOfAnotherUser_NothingRevoked()
    {
        await _store.SaveUserAsync(new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));
        await _store.SaveUserAsync(new LocalUser("nurse-9", [Role.Nurse], ["ward-9"]));
        var token = await _store.IssueTokenAsync("nurse-7", "laptop", Now);
        var id = Assert.Single(await _store.ListTokensAsync("nurse-7")).Id;

        var revoked = await _store.RevokeTokenAsync("nurse-9", id, t => new UserChange(Now, "admin", UserChanges.TokenRevoked, "nurse-9", t.Id));

        Assert.Null(revoked);
        Assert.Equal("nurse-7", (await _store.FindCallerAsync(token, Now))?.Id);
    }

    [Fact]
    public async Task ListAsync_ByCareTeams_OrAll_InIdOrderWithEveryTeam()
    {
        await _store.SaveAsync(new PatientRecord("patient-3", ["ward-9"]));
        await _store.SaveAsync(new PatientRecord("patient-1", ["ward-7", "copd-clinic"]));
        await _store.SaveAsync(new PatientRecord("patient-2", ["copd-clinic"]));
        await _store.SaveAsync(new PatientRecord("patient-4", []));

        var copd = await _store.ListAsync(["copd-clinic", "nowhere"], 10);
        var all = await _store.ListAsync(null, 3);

        Assert.Equal([("patient-1", "copd-clinic,ward-7"), ("patient-2", "copd-clinic")], copd.Select(p => (p.Id, string.Join(',', p.CareTeams))));
        Assert.Equal(["patient-1", "patient-2", "patient-3"], all.Select(p => p.Id));
        Assert.Empty(await _store.ListAsync([], 10));
    }

    [Fact]
    public async Task SavePatientAsync_Again_ReplacesCareTeams()
    {
        await _store.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));

        await _store.SaveAsync(new PatientRecord("patient-1", ["ward-9"]));

        Assert.Equal(["ward-9"], (await _store.FindAsync("patient-1"))!.CareTeams);
    }

    [Fact]
    public async Task FindCallerAsync_IssuedToken_TheUserWithRolesCareTeamsAndManufacturer()
    {
        await _store.SaveUserAsync(new LocalUser("maker-1", [Role.DeviceMaker, Role.Nurse], ["ward-7"], "Acme Medical"));
        var token = await _store.IssueTokenAsync("maker-1", "laptop", Now);

        var caller = await _store.FindCallerAsync(token, Now);

        Assert.Equal("maker-1", caller!.Id);
        Assert.Equal(new HashSet<Role> { Role.DeviceMaker, Role.Nurse }, caller.Roles);
        Assert.Equal(new HashSet<string> { "ward-7" }, caller.CareTeams);
        Assert.Equal("Acme Medical", caller.Manufacturer);
    }

    [Fact]
    public async Task FindCallerAsync_UnknownExpiredOrRevokedToken_Null()
    {
        await _store.SaveUserAsync(new LocalUser("nurse-1", [Role.Nurse], []));
        var expiring = await _store.IssueTokenAsync("nurse-1", "short", Now, expiresAt: Now.AddHours(1));
        var revoked = await _store.IssueTokenAsync("nurse-1", "revoked", Now);
        Assert.True(await _store.RevokeTokenAsync(revoked));

        Assert.NotNull(await _store.FindCallerAsync(expiring, Now.AddMinutes(59)));
        Assert.Null(await _store.FindCallerAsync(expiring, Now.AddHours(1)));
        Assert.Null(await _store.FindCallerAsync(revoked, Now));
        Assert.Null(await _store.FindCallerAsync(expiring[..^1] + (expiring[^1] == 'A' ? 'B' : 'A'), Now));
        Assert.Null(await _store.FindCallerAsync("Bearer nonsense", Now));
    }

    [Fact]
    public async Task IssueTokenAsync_TokensAreRandomAndNotStoredInTheFile()
    {
        await _store.SaveUserAsync(new LocalUser("admin", [Role.Admin], []));

        var first = await _store.IssueTokenAsync("admin", "a", Now);
        var second = await _store.IssueTokenAsync("admin", "b", Now);

        Assert.NotEqual(first, second);
        Assert.StartsWith(SqliteDirectory.TokenPrefix, first, StringComparison.Ordinal);
        var files = Directory.GetFiles(_directory).Select(File.ReadAllBytes).Select(System.Text.Encoding.ASCII.GetString);
        Assert.DoesNotContain(files, content => content.Contains(first[5..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reopen_KeepsUsersPatientsAndTokens()
    {
        var path = Path.Combine(_directory, "reopen.db");
        string token;
        using (var first = new SqliteDirectory(path))
        {
            await first.SaveUserAsync(new LocalUser("admin", [Role.Admin], []));
            await first.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
            token = await first.IssueTokenAsync("admin", "setup", Now);
        }

        using var second = new SqliteDirectory(path);

        Assert.NotNull(await second.FindAsync("patient-1"));
        Assert.Equal("admin", (await second.FindCallerAsync(token, Now))!.Id);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
