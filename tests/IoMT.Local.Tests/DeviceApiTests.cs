using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace IoMT.Local.Tests;

public sealed class DeviceApiTests(ITestOutputHelper output) : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Fact]
    public async Task Register_MalformedBody_400WithTheJsonPointer()
    {
        using var wrongType = await _api.SendAsync(HttpMethod.Post, "/api/devices", _api.MakerToken, new { id = "d", model = "m", kinds = "spo2" });
        using var unknownKind = await _api.SendAsync(HttpMethod.Post, "/api/devices", _api.MakerToken, new { id = "d", model = "m", kinds = new[] { "spo2", "pulse" } });

        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("/kinds", (string?)(await Problem(wrongType))["field"]);
        Assert.Equal(("request.body-invalid", "/kinds/1"), ((string?)(await Problem(unknownKind))["code"], (string?)(await Problem(unknownKind))["field"]));
    }

    [Fact]
    public async Task Register_Nurse_403_NoToken_401()
    {
        using var nurse = await _api.SendAsync(HttpMethod.Post, "/api/devices", _api.NurseToken, new { id = "d", model = "m", kinds = new[] { "spo2" } });
        using var anonymous = await _api.SendAsync(HttpMethod.Post, "/api/devices", null, new { id = "d", model = "m", kinds = new[] { "spo2" } });

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized), (nurse.StatusCode, anonymous.StatusCode));
    }

    [Fact]
    public async Task Import_TenThousandDevicesAsCsv_AllCreated_SameFileAgainChangesNothing()
    {
        var csv = new StringBuilder("id,model,kinds,serialNumber\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"cuff-{i:D5},BP Cuff 7,bloodPressure;heartRate,SN-{i:D5}\n");
        }

        var rows = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var chunks = rows.Skip(1).Chunk(5000).Select(chunk => rows[0] + "\n" + string.Join('\n', chunk)).ToList();
        var stopwatch = Stopwatch.StartNew();
        var first = await ImportAsync(chunks);
        var firstTime = stopwatch.Elapsed;
        stopwatch.Restart();
        var again = await ImportAsync(chunks);
        output.WriteLine($"Imported 10,000 devices in {firstTime.TotalSeconds:F2} s; the same file again in {stopwatch.Elapsed.TotalSeconds:F2} s.");

        Assert.Equal((10_000, 0, 0), first);
        Assert.Equal((0, 10_000, 0), again);
        using var page = await _api.SendAsync(HttpMethod.Get, "/api/devices?pageSize=1000&kind=bloodPressure", _api.MakerToken);
        Assert.Equal(1000, (await page.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task List_Paging_ContinuationTokenWalksEveryDeviceOnce()
    {
        foreach (var i in Enumerable.Range(0, 7))
        {
            await _api.RegisterAsync($"ox-{i}", bindTo: null);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            using var response = await _api.SendAsync(HttpMethod.Get, "/api/devices?pageSize=3" + (token is null ? "" : "&continuationToken=" + token), _api.MakerToken);
            var page = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            seen.AddRange(page["items"]!.AsArray().Select(d => (string)d!["id"]!));
            token = (string?)page["continuationToken"];
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"ox-{i}"), seen);
    }

    [Fact]
    public async Task Get_ShowsBindingsToTheNurseButNeverKeys()
    {
        await _api.RegisterAsync("ox-1");

        using var nurse = await _api.SendAsync(HttpMethod.Get, "/api/devices/ox-1", _api.NurseToken);
        var text = await nurse.Content.ReadAsStringAsync();

        Assert.Equal("patient-1", (string?)JsonNode.Parse(text)!["patientId"]);
        Assert.DoesNotContain("primaryKey", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessKey", text, StringComparison.Ordinal);
    }

    public void Dispose() => _api.Dispose();

    private async Task<(int Created, int Existing, int Invalid)> ImportAsync(IEnumerable<string> chunks)
    {
        var totals = (Created: 0, Existing: 0, Invalid: 0);
        foreach (var chunk in chunks)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/devices/import", UriKind.Relative))
            {
                Content = new StringContent(chunk, Encoding.UTF8, "text/csv"),
            };
            request.Headers.Authorization = new("Bearer", _api.MakerToken);
            using var response = await _api.Client.SendAsync(request);
            var summary = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            totals = (totals.Created + (int)summary["created"]!, totals.Existing + (int)summary["existing"]!, totals.Invalid + (int)summary["invalid"]!);
        }

        return totals;
    }

    private static async Task<JsonNode> Problem(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
