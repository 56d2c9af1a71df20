using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using IoMT.Core.Pipeline;
using IoMT.Functions.Ingestion;

namespace IoMT.Functions.Tests.Ingestion;

/// <summary>The dead-letter container written and read by the real Azure.Storage.Blobs client, against Azurite.</summary>
public class BlobDeadLetterTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 8, 30, 5, TimeSpan.Zero);
    private readonly BlobContainerClient _container = azurite.Blobs.GetBlobContainerClient("dead-letter-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => await _container.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task WriteAsync_Batch_OneJsonLinesBlobWithEveryMessageWhole()
    {
        var batch = new[] { Message("0:17", "monitor-1", [0x7B, 0x7D]), Message("0:18", null, [0xFF, 0x00, 0x10]) };

        await new BlobDeadLetter(_container).WriteAsync(batch, "HttpRequestException", default);

        var blob = Assert.Single(_container.GetBlobs());
        Assert.Equal("2026/11/21/0%3A17-2.jsonl", blob.Name);
        var lines = (await _container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["0:17", "0:18"], lines.Select(l => (string)l["position"]!));
        Assert.Equal(["monitor-1", null], lines.Select(l => (string?)l["deviceId"]));
        Assert.All(lines, l => Assert.Equal(("2026-11-21T08:30:05Z", "HttpRequestException"), ((string)l["receivedAt"]!, (string)l["reason"]!)));
        Assert.Equal(batch.Select(m => m.Body.ToArray()), lines.Select(l => Convert.FromBase64String((string)l["body"]!)));
    }

    [Fact]
    public async Task WriteAsync_SameBatchAgain_KeepsTheFirstBlobAndDoesNotThrow()
    {
        var deadLetter = new BlobDeadLetter(_container);
        var batch = new[] { Message("1:40", "monitor-2", "{\"spo2\":91}"u8.ToArray()) };
        await deadLetter.WriteAsync(batch, "first", default);

        await deadLetter.WriteAsync(batch, "second", default);

        var blob = Assert.Single(_container.GetBlobs());
        var content = (await _container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal("first", (string)JsonNode.Parse(content.Trim())!["reason"]!);
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_WritesNothing()
    {
        await new BlobDeadLetter(_container).WriteAsync([], "nothing", default);

        Assert.Empty(_container.GetBlobs());
    }

    private static ReceivedMessage Message(string position, string? deviceId, byte[] body) =>
        new(body, deviceId, At, position);
}
