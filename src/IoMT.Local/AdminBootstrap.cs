using IoMT.Core.Access;
using IoMT.Storage.Sqlite;

namespace IoMT.Local;

/// <summary>
/// Makes sure the machine's owner can sign in: whenever <c>admin.token</c> in the data folder does not hold a working
/// admin token (the first start; the file deleted to get a new token; a file left empty by a power loss or holding a
/// revoked token), the host creates the <c>admin</c> user if needed, issues a new API token for it and writes it to that
/// file durably, readable by the current user only. The token never appears in logs, the file's path does.
/// </summary>
internal sealed partial class AdminBootstrap(SqliteDirectory directory, DataDirectory dataDirectory, TimeProvider time, ILogger<AdminBootstrap> logger)
    : IHostedService
{
    public const string AdminUserId = "admin";
    public const string TokenFileName = "admin.token";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory.Path, TokenFileName);
        var existed = File.Exists(path);
        if (existed && await WorksAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await directory.SaveUserAsync(new LocalUser(AdminUserId, [Role.Admin], []), cancellationToken).ConfigureAwait(false);
        var token = await directory.ReplaceTokenAsync(AdminUserId, TokenFileName, time.GetUtcNow(), expiresAt: null, cancellationToken).ConfigureAwait(false);
        await OwnerOnlyFiles.WriteAsync(path, stream => stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(token + "\n"), cancellationToken).AsTask())
            .ConfigureAwait(false);
        if (existed)
        {
            Log.TokenReplaced(logger, path);
        }
        else
        {
            Log.TokenWritten(logger, path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the file holds a token that signs in an admin now.</summary>
    private async Task<bool> WorksAsync(string path, CancellationToken cancellationToken)
    {
        var token = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();
        var caller = await directory.FindCallerAsync(token, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return caller?.Has(Role.Admin) == true;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Issued a new API token for the admin user in {TokenFile} (readable by you only). Keep it secret; delete the file and restart for a new one.")]
        public static partial void TokenWritten(ILogger logger, string tokenFile);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{TokenFile} was empty or held no working admin token; wrote a new one there (readable by you only)")]
        public static partial void TokenReplaced(ILogger logger, string tokenFile);
    }
}
