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

    /// <summary>System.Text.Json's path (<c>$.kinds[1]</c>, <c>$[12].id</c>) as a JSON pointer (<c>/kinds/1</c>, <c>/12/id</c>).</summary>
    public static string Pointer(string? path) =>
        string.IsNullOrEmpty(path) || path == "$"
            ? ""
            : path.TrimStart('$').Replace("['", "/", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal)
                .Replace('[', '/').Replace("]", "", StringComparison.Ordinal).Replace('.', '/');
}
