using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using IoMT.Core.Pipeline;

namespace IoMT.Functions.Ingestion;

/// <summary>Where a batch that could not be stored goes, whole, to be replayed once the stores are back.</summary>
public interface IDeadLetter
{
    Task WriteAsync(IReadOnlyList<ReceivedMessage> batch, string reason, CancellationToken cancellationToken);
}

/// <summary>
/// Dead-lettered batches as blobs in the Functions app's storage account (a different service from Cosmos DB, reached
/// with the app's identity): one JSON-lines blob per batch, named after its first position, each line a message's
/// position, device, receipt time and body (base64), so nothing of it is lost. Writing the same batch again is harmless.
/// </summary>
public sealed class BlobDeadLetter(BlobContainerClient container) : IDeadLetter
{
    public async Task WriteAsync(IReadOnlyList<ReceivedMessage> batch, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var lines = new StringBuilder();
        foreach (var message in batch)
        {
            lines.Append(new JsonObject
            {
                ["position"] = message.SourcePosition,
                ["deviceId"] = message.AuthenticatedDeviceId,
                ["receivedAt"] = Core.Validation.Rfc3339.Format(message.ReceivedAt),
                ["reason"] = reason,
                ["body"] = Convert.ToBase64String(message.Body.Span),
            }.ToJsonString()).Append('\n');
        }

        var name = string.Create(CultureInfo.InvariantCulture,
            $"{batch[0].ReceivedAt.UtcDateTime:yyyy/MM/dd}/{Uri.EscapeDataString(batch[0].SourcePosition)}-{batch.Count}.jsonl");
        try
        {
            await container.UploadBlobAsync(name, BinaryData.FromString(lines.ToString()), cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            // Written by an earlier attempt at the same batch.
        }
    }
}
