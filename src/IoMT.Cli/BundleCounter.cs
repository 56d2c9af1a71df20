using System.Text.Json;

namespace IoMT.Cli;

/// <summary>
/// Reads a FHIR Bundle as a stream, in constant memory whatever its size, checking that the JSON is whole and counting
/// the resources of its entries by type.
/// </summary>
internal static class BundleCounter
{
    public static async Task<Dictionary<string, int>> CountAsync(Stream bundle, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;
        var state = new JsonReaderState();
        var walk = new Walk();
        while (!final)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one token longer than the buffer
            }

            var read = await bundle.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += read;
            final = read == 0;
            var consumed = Scan(buffer.AsSpan(0, length), final, ref state, walk, counts);
            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }

        return walk.Complete ? counts : throw new JsonException("The bundle ends before its last entry.");
    }

    private static int Scan(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, Walk walk, Dictionary<string, int> counts)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    walk.RootMember = reader.GetString();
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 3:
                    walk.EntryMember = reader.GetString();
                    break;
                case JsonTokenType.PropertyName when reader.CurrentDepth == 4:
                    walk.InResourceType = walk.RootMember == "entry" && walk.EntryMember == "resource" && reader.ValueTextEquals("resourceType"u8);
                    break;
                case JsonTokenType.String when reader.CurrentDepth == 4 && walk.InResourceType:
                    var type = reader.GetString()!;
                    counts[type] = counts.GetValueOrDefault(type) + 1;
                    walk.InResourceType = false;
                    break;
                case JsonTokenType.EndObject when reader.CurrentDepth == 0:
                    walk.Complete = true;
                    break;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private sealed class Walk
    {
        public string? RootMember { get; set; }

        public string? EntryMember { get; set; }

        public bool InResourceType { get; set; }

        public bool Complete { get; set; }
    }
}
