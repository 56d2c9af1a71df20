using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using IoMT.Core.Access;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Notifications;

namespace IoMT.Local.Workflows;

/// <summary>
/// The <c>console</c> channel: notifications go live to every signed-in console as server-sent events
/// (<c>GET /api/live</c>), each to those who may see the patient. A console that falls more than
/// <see cref="Buffer"/> events behind loses the oldest (it reloads the inbox on reconnect); the timeline keeps them all.
/// </summary>
public sealed class LiveFeed : INotificationChannel
{
    public const int Buffer = 256;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<Channel<Notification>, byte> _subscribers = new();

    public bool Serves(string channel) => channel == DefaultEscalationPolicies.ConsoleChannel;

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(notification);
        }

        return Task.CompletedTask;
    }

    /// <summary>Streams notifications about the caller's patients until the client goes away.</summary>
    public async Task StreamAsync(HttpContext http, Caller caller, IPatientDirectory patients)
    {
        ArgumentNullException.ThrowIfNull(http);
        var subscriber = Channel.CreateBounded<Notification>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers.TryAdd(subscriber, 0);
        var readable = new ReadablePatients(patients, caller);
        var cancellationToken = http.RequestAborted;
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.WriteAsync(": connected\n\n", cancellationToken).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                Notification? next = null;
                try
                {
                    next = await subscriber.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // No news: a comment line keeps proxies from closing the stream.
                }

                if (next is null)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                }
                else if (await readable.FindAsync(next.PatientId, cancellationToken).ConfigureAwait(false) is not null)
                {
                    var data = JsonSerializer.Serialize(next, Api.ApiJson.Options);
                    var kind = JsonNamingPolicy.CamelCase.ConvertName(next.Kind.ToString());
                    await http.Response.WriteAsync($"id: {next.Key}\nevent: {kind}\ndata: {data}\n\n", cancellationToken).ConfigureAwait(false);
                }

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
}

internal static class LiveFeedEndpoints
{
    public static void MapLiveFeed(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/live", async (HttpContext http, LiveFeed feed, IPatientDirectory patients) =>
        {
            if (CallerClaims.FromPrincipal(http.User) is not { } caller)
            {
                await Api.ApiProblems.Write(http, Core.Api.ApiError.Unauthorized()).ConfigureAwait(false);
                return;
            }

            await feed.StreamAsync(http, caller, patients).ConfigureAwait(false);
        }).RequireAuthorization();
}
