using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using IoMT.Core.Access;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Notifications;
using IoMT.Storage.Sqlite;

namespace IoMT.Local.Workflows;

/// <summary>
/// The <c>console</c> channel: notifications go live to every signed-in console as server-sent events
/// (<c>GET /api/live</c>). Access holds per event (<see cref="LiveAccess"/>): each goes out only if the caller may
/// see its patient at that moment, and a stream whose caller can no longer sign in (token revoked or expired, user
/// disabled) ends, on its next event, keep-alive or change of the directory (<see cref="AccessChanged"/>). A console
/// that falls more than <see cref="Buffer"/> events behind loses the oldest (it reloads the inbox on reconnect); the
/// timeline keeps them all.
/// </summary>
public sealed class LiveFeed : INotificationChannel
{
    public const int Buffer = 256;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    // A null entry asks the stream to check its caller again.
    private readonly ConcurrentDictionary<Channel<Notification?>, byte> _subscribers = new();

    public bool Serves(string channel) => channel == DefaultEscalationPolicies.ConsoleChannel;

    /// <summary>Consoles are the care team's: a patient or caregiver is never reached here.</summary>
    public bool Reaches(string recipient) => EscalationTarget.IsCareTeam(recipient);

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(notification);
        }

        return Task.CompletedTask;
    }

    /// <summary>Users, tokens or care teams changed: idle streams check their caller now (busy ones do with their next event).</summary>
    public void AccessChanged()
    {
        foreach (var subscriber in _subscribers.Keys.Where(s => s.Reader.Count == 0))
        {
            subscriber.Writer.TryWrite(null);
        }
    }

    /// <summary>Streams notifications about the caller's patients until the client goes away or the caller may no longer sign in.</summary>
    public async Task StreamAsync(HttpContext http, LiveAccess access)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        var subscriber = Channel.CreateBounded<Notification?>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers.TryAdd(subscriber, 0);
        var cancellationToken = http.RequestAborted;
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.WriteAsync(": connected\n\n", cancellationToken).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            while (await NextAsync(http, subscriber.Reader, access, cancellationToken).ConfigureAwait(false))
            {
                await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The console closed the stream.
        }
        finally
        {
            _subscribers.TryRemove(subscriber, out _);
        }
    }

    /// <summary>Handles what comes next (an event, a recheck or a quiet spell); false when the stream ends.</summary>
    private static async Task<bool> NextAsync(HttpContext http, ChannelReader<Notification?> reader, LiveAccess access, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(KeepAlive);
        Notification? next;
        try
        {
            next = await reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No news: a comment line keeps proxies from closing the stream.
            await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
            return await access.SignedInAsync(cancellationToken).ConfigureAwait(false);
        }

        if (next is null)
        {
            return await access.SignedInAsync(cancellationToken).ConfigureAwait(false);
        }

        switch (await access.DecideAsync(next.PatientId, cancellationToken).ConfigureAwait(false))
        {
            case LiveDecision.End:
                return false;
            case LiveDecision.Send:
                var data = JsonSerializer.Serialize(next, Api.ApiJson.Options);
                var kind = JsonNamingPolicy.CamelCase.ConvertName(next.Kind.ToString());
                await http.Response.WriteAsync($"id: {next.Key}\nevent: {kind}\ndata: {data}\n\n", cancellationToken).ConfigureAwait(false);
                break;
        }

        return true;
    }
}

internal static class LiveFeedEndpoints
{
    /// <summary>
    /// <c>GET /api/live</c>. The stream keeps the caller's bearer token to ask the directory, event by event, who it
    /// signs in now; the directory's changes wake idle streams.
    /// </summary>
    public static void MapLiveFeed(this IEndpointRouteBuilder app)
    {
        var feed = app.ServiceProvider.GetRequiredService<LiveFeed>();
        app.ServiceProvider.GetRequiredService<SqliteDirectory>().Changed += feed.AccessChanged;
        app.MapGet("/api/live", async (HttpContext http, SqliteDirectory directory, TimeProvider time) =>
        {
            var header = http.Request.Headers.Authorization.ToString();
            if (CallerClaims.FromPrincipal(http.User) is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                await Api.ApiProblems.Write(http, Core.Api.ApiError.Unauthorized()).ConfigureAwait(false);
                return;
            }

            var token = header["Bearer ".Length..].Trim();
            var access = new LiveAccess(cancellationToken => directory.FindCallerAsync(token, time.GetUtcNow(), cancellationToken), directory);
            await feed.StreamAsync(http, access).ConfigureAwait(false);
        }).RequireAuthorization();
    }
}
