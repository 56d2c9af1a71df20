using IoMT.Core.Access;
using IoMT.Storage.Sqlite;

namespace IoMT.Local;

/// <summary>
/// Makes sure the machine's owner can sign in: whenever <c>admin.token</c> is missing from the data folder (the first
/// start, or after the file was deleted to get a new token), the host creates the <c>admin</c> user if needed, issues
/// a new API token for it and writes it to that file, readable by the current user only. The file appears whole or
/// not at all; the token never appears in logs, its path does.
/// </summary>
internal sealed partial class AdminBootstrap(SqliteDirectory directory, DataDirectory dataDirectory, TimeProvider time, ILogger<AdminBootstrap> logger)
    : IHostedService
{
    public const string AdminUserId = "admin";
    public const string TokenFileName = "admin.token";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory.Path, TokenFileName);
        if (File.Exists(path))
        {
            return;
        }

        await directory.SaveUserAsync(new LocalUser(AdminUserId, [Role.Admin], []), cancellationToken).ConfigureAwait(false);
        var token = await directory.IssueTokenAsync(AdminUserId, "admin.token", time.GetUtcNow(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await OwnerOnlyFiles.WriteAsync(path, async stream =>
        {
            await using var file = new StreamWriter(stream);
            await file.WriteLineAsync(token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        Log.TokenWritten(logger, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Issued a new API token for the admin user in {TokenFile} (readable by you only). Keep it secret; delete the file and restart for a new one.")]
        public static partial void TokenWritten(ILogger logger, string tokenFile);
    }
}
