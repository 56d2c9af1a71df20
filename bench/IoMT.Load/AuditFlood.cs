using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Load;

/// <summary>What an unauthenticated flood did to the security audit and to the host.</summary>
public sealed record AuditFloodResult(
    int Requests,
    double Seconds,
    double RequestsPerSecond,
    IReadOnlyDictionary<string, int> Statuses,
    long AuditBytesBefore,
    long AuditBytesAfter,
    long AuditBytesAdded,
    int UnauthenticatedEventsOnFirstPage,
    long HostMemoryBefore,
    long HostMemoryAfter,
    long HostMemoryAdded,
    bool DenialOnFirstPage);

/// <summary>
/// A bad actor without credentials: <see cref="Requests"/> requests to the device endpoint, each as a new random device
/// id of 7,000 characters (half with a well-formed token signed by a random key, half with none), and one in ten to the
/// management API with a made-up bearer token. Before it, a signed-in care coordinator is refused another team's
/// patient (<c>access.denied</c>); after it, that denial must still be on the audit's first page. Measured: the growth of
/// <c>audit.db</c> (with its journal) and of the host's resident memory (after a warm-up of 1,000 such requests).
/// </summary>
public sealed class AuditFlood(HostProcess host, int requests, int concurrency, TextWriter output)
{
    private const int IdLength = 7_000;
    private const int WarmupRequests = 1_000;
    private static readonly string[] AuditFiles = ["audit.db", "audit.db-wal", "audit.db-shm", "audit.db-journal"];
    private static readonly string[] Ward7 = ["ward-7"];
    private static readonly string[] Ward9 = ["ward-9"];
    private static readonly string[] CareCoordinator = ["care-coordinator"];

    public int Requests => requests;

    public async Task<AuditFloodResult> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
        var admin = (await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "admin.token"), cancellationToken)).Trim();
        await DenyCoordinatorAsync(http, admin, cancellationToken);

        var auditBefore = AuditBytes();
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        await FloodAsync(http, WarmupRequests, new Dictionary<string, int>(StringComparer.Ordinal), cancellationToken);
        var memoryBefore = host.MemoryBytes();
        output.WriteLine($"Flooding with {requests:N0} unauthenticated requests ({concurrency} at a time)…");

        var clock = Stopwatch.StartNew();
        await FloodAsync(http, requests, statuses, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var memoryAfter = host.MemoryBytes();
        var auditAfter = AuditBytes();

        using var page = new HttpRequestMessage(HttpMethod.Get, "api/audit");
        page.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var answer = await http.SendAsync(page, cancellationToken);
        var events = (await answer.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonArray>(cancellationToken))!;
        return new AuditFloodResult(
            requests, Math.Round(seconds, 1), Math.Round(requests / seconds), statuses,
            auditBefore, auditAfter, auditAfter - auditBefore,
            events.Count(e => (bool?)e?["authenticated"] == false),
            memoryBefore, memoryAfter, memoryAfter - memoryBefore,
            events.Any(e => (string?)e?["code"] == "access.denied" && (string?)e?["actor"] == "flood-coordinator"));
    }

    /// <summary>A care coordinator of ward-7 asks for a ward-9 patient: 404, audited as <c>access.denied</c>.</summary>
    private static async Task DenyCoordinatorAsync(HttpClient http, string admin, CancellationToken cancellationToken)
    {
        await SendAsync(http, HttpMethod.Put, "api/patients/flood-patient-9", admin, new { careTeams = Ward9 }, cancellationToken);
        await SendAsync(http, HttpMethod.Put, "api/users/flood-coordinator", admin, new { roles = CareCoordinator, careTeams = Ward7 }, cancellationToken);
        using var issued = await SendAsync(http, HttpMethod.Post, "api/users/flood-coordinator/tokens", admin, new { label = "flood" }, cancellationToken);
        var token = (string)(await issued.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["token"]!;
        using var denied = await SendAsync(http, HttpMethod.Get, "api/patients/flood-patient-9", token, null, cancellationToken, HttpStatusCode.NotFound);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpMethod method, string path, string token, object? body, CancellationToken cancellationToken, HttpStatusCode? expected = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, cancellationToken);
        if (expected is { } status ? response.StatusCode != status : !response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}.");
        }

        return response;
    }

    private async Task FloodAsync(HttpClient http, int count, Dictionary<string, int> statuses, CancellationToken cancellationToken)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (Interlocked.Increment(ref next) < count)
            {
                var status = await SendJunkAsync(http, random, next, cancellationToken);
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task<string> SendJunkAsync(HttpClient http, Random random, int index, CancellationToken cancellationToken)
    {
        var id = RandomId(random);
        using var request = index % 10 == 9
            ? new HttpRequestMessage(HttpMethod.Get, "api/patients")
            : new HttpRequestMessage(HttpMethod.Post, $"devices/{id}/messages/events?api-version=2020-03-13") { Content = new StringContent("{}") };
        if (index % 10 == 9)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "iomt_" + id[..43]);
        }
        else if (index % 2 == 1)
        {
            request.Headers.TryAddWithoutValidation("Authorization", SasToken.Create($"localhost/devices/{id[..64]}", DpsKeys.NewKey(), DateTimeOffset.UtcNow.AddHours(1)));
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "network";
        }
    }

    private static string RandomId(Random random) => string.Create(IdLength, random, (chars, r) =>
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)r.Next('a', 'z' + 1);
        }
    });

    /// <summary><c>audit.db</c> and its write-ahead log, as they are on disk.</summary>
    private long AuditBytes() =>
        AuditFiles
            .Select(name => new FileInfo(Path.Combine(host.DataDirectory, name)))
            .Where(file => file.Exists)
            .Sum(file => file.Length);
}
