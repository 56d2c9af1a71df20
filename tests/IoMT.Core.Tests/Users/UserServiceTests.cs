using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Users;

namespace IoMT.Core.Tests.Users;

public sealed class UserServiceTests
{
    private static readonly Caller Nurse = new("nurse-7", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });

    [Theory]
    [InlineData("bad id", "nurse", null, null, "id")]
    [InlineData("u1", null, null, null, "/roles")]
    [InlineData("u1", "nurse,surgeon", null, null, "/roles/1")]
    [InlineData("u1", "nurse", "ward-7,ward 9", null, "/careTeams/1")]
    [InlineData("u1", "device-maker", null, null, "/manufacturer")]
    [InlineData("u1", "nurse", null, "Acme", "/manufacturer")]
    public void Parse_InvalidRequest_NamesTheFieldAtFault(string id, string? roles, string? teams, string? manufacturer, string field)
    {
        var (user, error) = UserService.Parse(id, new UserRequest(roles?.Split(','), teams?.Split(','), manufacturer));

        Assert.Null(user);
        Assert.Equal(field, error!.Field);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void Parse_DeviceMakerWithManufacturer_RolesAndTeamsOnce()
    {
        var (user, error) = UserService.Parse("acme-1", new UserRequest(["device-maker", "device-maker"], ["lab", "lab"], "Acme Medical"));

        Assert.Null(error);
        var view = user!.ToView();
        Assert.Equal(["device-maker"], view.Roles);
        Assert.Equal(["lab"], view.CareTeams);
        Assert.Equal(("Acme Medical", false), (view.Manufacturer, view.Disabled));
    }

    [Fact]
    public async Task EveryOperation_NotAnAdmin_ForbiddenBeforeTheStoreIsTouched()
    {
        var service = new UserService(new UntouchableStore(), TimeProvider.System);

        ApiError?[] errors =
        [
            (await service.ListAsync(Nurse)).Error,
            (await service.GetAsync(Nurse, "nurse-7")).Error,
            (await service.SaveAsync(Nurse, "nurse-7", new UserRequest(["admin"], [], null))).Error,
            (await service.SetDisabledAsync(Nurse, "admin", true)).Error,
            (await service.ListTokensAsync(Nurse, "nurse-7")).Error,
            (await service.IssueTokenAsync(Nurse, "nurse-7", new TokenRequest("mine", null))).Error,
            (await service.RevokeTokenAsync(Nurse, "admin", "0123456789abcdef")).Error,
            (await service.HistoryAsync(Nurse, "admin")).Error,
        ];

        Assert.All(errors, error => Assert.Equal(ApiError.Forbidden, error!.Code));
    }

    private sealed class UntouchableStore : IUserStore
    {
        public Task<UserAccount?> FindUserAsync(string userId, CancellationToken cancellationToken = default) => throw new InvalidOperationException();

        public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException();

        public Task SaveUserAsync(UserAccount user, UserChange change, CancellationToken cancellationToken = default) => throw new InvalidOperationException();

        public Task AddTokenAsync(string userId, string hash, TokenView token, UserChange change, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException();

        public Task<IReadOnlyList<TokenView>> ListTokensAsync(string userId, CancellationToken cancellationToken = default) => throw new InvalidOperationException();

        public Task<TokenView?> RevokeTokenAsync(string userId, string tokenId, Func<TokenView, UserChange> change, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException();

        public Task<IReadOnlyList<UserChange>> HistoryAsync(string userId, int max, CancellationToken cancellationToken = default) => throw new InvalidOperationException();
    }
}
