using System.Text.Json;
using IoMT.Core.Api;

namespace IoMT.Api;

/// <summary>Reads a JSON request body, or says where it is malformed (as a JSON pointer) instead of failing.</summary>
public static class ApiJson
{
    /// <summary>Web defaults (camelCase), enums as camelCase names (<c>"acknowledged"</c>, not 1).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task<ApiResult<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken).ConfigureAwait(false);
            return value is null ? ApiError.InvalidBody("", "The request needs a JSON body.") : value;
        }
        catch (JsonException e)
        {
            return ApiError.InvalidBody(Pointer(e.Path), $"The body is not the expected JSON: {e.Message}");
        }
    }

    /// <summary>
    /// System.Text.Json's path (<c>$.kinds[1]</c>, <c>$[12].id</c>, <c>$.limits['a.b']</c>) as a JSON pointer (<c>/kinds/1</c>,
    /// <c>/12/id</c>, <c>/limits/a.b</c>), each name escaped as RFC 6901 says (<c>~</c> as <c>~0</c>, <c>/</c> as <c>~1</c>).
    /// </summary>
    public static string Pointer(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }

        var pointer = new System.Text.StringBuilder();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            string segment;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                // A name with characters a dotted path cannot hold, quoted; a quote inside it may be escaped.
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 2)..end].Replace("\\'", "'", StringComparison.Ordinal);
                i = Math.Min(end + 2, path.Length);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 1)..end];
                i = Math.Min(end + 1, path.Length);
            }
            else
            {
                break;
            }

            pointer.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return pointer.ToString();
    }
}
