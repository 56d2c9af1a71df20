using System.Net;

namespace IoMT.Notifications.Tests;

/// <summary>Answers requests with the given statuses in turn (the last repeats) and keeps what was sent.</summary>
public sealed class StubHandler(params HttpStatusCode[] answers) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Add((request, body));
        return new HttpResponseMessage(answers[Math.Min(Requests.Count, answers.Length) - 1]);
    }
}
