using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos;

/// <summary>The stream APIs as the stores use them: our own JSON in, the query pages' documents out, no serializer in between.</summary>
internal static class CosmosStreams
{
    public static MemoryStream Json(JsonObject document) => new(Encoding.UTF8.GetBytes(document.ToJsonString()));

    /// <summary>The document <paramref name="id"/> in <paramref name="partitionKey"/> turned into <typeparamref name="T"/> by <paramref name="read"/>; null when there is none.</summary>
    public static async Task<T?> ReadAsync<T>(Container container, string id, string partitionKey, Func<JsonElement, T> read, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
        return read(document.RootElement);
    }

    /// <summary>Every document the query returns, page after page, each turned into <typeparamref name="T"/> by <paramref name="read"/> while its page is parsed.</summary>
    public static async IAsyncEnumerable<T> QueryAsync<T>(
        Container container, QueryDefinition query, QueryRequestOptions options, Func<JsonElement, T> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var iterator = container.GetItemQueryStreamIterator(query, continuationToken: null, options);
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in page.RootElement.GetProperty("Documents").EnumerateArray())
            {
                yield return read(item);
            }
        }
    }
}
