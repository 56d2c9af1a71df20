using IoMT.Core.Access;
using IoMT.Storage.Sqlite;

namespace IoMT.Local;

/// <summary>
/// First start: creates the <c>admin</c> user and writes an API token for it to <c>admin.token</c> in the data folder,
/// readable by the current user only. The token never appears in logs; its path does.
/// </summary>
internal sealed partial class AdminBootstrap(SqliteDirectory directory, DataDirectory dataDirectory, TimeProvider time, ILogger<AdminBootstrap> logger)
    : IHostedService
{
    public const string AdminUserId = "admin";
    public const string TokenFileName = "admin.token";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await directory.HasUsersAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await directory.SaveUserAsync(new LocalUser(AdminUserId, [Role.Admin], []), cancellationToken).ConfigureAwait(false);
        var token = await directory.IssueTokenAsync(AdminUserId, "first start", time.GetUtcNow(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(dataDirectory.Path, TokenFileName);
        File.Delete(path); // a leftover file would keep its old permissions
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, options))
        {
            await file.WriteLineAsync(token).ConfigureAwait(false);
        }

        Log.AdminCreated(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Created the admin user; its API token is in {TokenFile} (readable by you only). Keep it secret.")]
        public static partial void AdminCreated(ILogger logger, string tokenFile);
    }
}
