using System.Text;
using System.Text.Json;

namespace IoMT.Cli.Tests;

public class BundleCounterTests
{
    private const string Bundle = """
        {"resourceType":"Bundle","type":"collection","entry":[
          {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1","identifier":[{"system":"s","value":"resourceType"}]}},
          {"fullUrl":"urn:uuid:2","resource":{"id":"2","resourceType":"Observation","code":{"text":"resourceType"}}},
          {"fullUrl":"urn:uuid:3","resource":{"resourceType":"Observation","id":"3"}}]}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task CountAsync_ReadInAnyChunks_CountsEntryResourcesOnly(int chunk)
    {
        using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(Bundle), chunk);

        var counts = await BundleCounter.CountAsync(stream, CancellationToken.None);

        Assert.Equal(new Dictionary<string, int> { ["Patient"] = 1, ["Observation"] = 2 }, counts);
    }

    [Fact]
    public async Task CountAsync_TokenLongerThanTheBuffer_Counted()
    {
        var bundle = "{\"entry\":[{\"resource\":{\"text\":\"" + new string('x', 200_000) + "\",\"resourceType\":\"Observation\"}}]}";
        using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(bundle), 10_000);

        Assert.Equal(1, (await BundleCounter.CountAsync(stream, CancellationToken.None))["Observation"]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(300)]
    public async Task CountAsync_Truncated_JsonException(int length)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Bundle)[..length]);

        await Assert.ThrowsAnyAsync<JsonException>(() => BundleCounter.CountAsync(stream, CancellationToken.None));
    }

    /// <summary>Returns at most <paramref name="chunk"/> bytes per read, as a network stream may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
