using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace IoMT.Client;

/// <summary>An answer of the management API: its status, its JSON, and for a refusal the problem's code, field and detail.</summary>
public sealed record ApiResponse(int Status, JsonNode? Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public string? Code => (string?)Body?["code"];

    /// <summary>One line for people: <c>404 device.not-found: No device …</c>.</summary>
    public string Describe()
    {
        var field = (string?)Body?["field"] is { } name ? $" ({name})" : "";
        return IsSuccess ? $"{Status}" : $"{Status} {Code}{field}: {(string?)Body?["detail"] ?? (string?)Body?["title"]}";
    }
}

/// <summary>
/// The management API over HTTP with a bearer token (docs/api.md): JSON in, JSON out, refusals as problem details.
/// The token is the HTTP client's own, or <paramref name="token"/> when given.
/// </summary>
public sealed class ManagementClient(HttpClient http, string? token = null)
{
    /// <summary>The same API, signed in as someone else.</summary>
    public ManagementClient As(string otherToken) => new(http, otherToken);

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiResponse> PostAsync(string path, object? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<ApiResponse> PutAsync(string path, object? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>Posts text with its media type (e.g. CSV to the device import).</summary>
    public async Task<ApiResponse> PostTextAsync(string path, string text, string mediaType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(text, Encoding.UTF8, mediaType) };
        return await ReadAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await ReadAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiResponse> ReadAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            json = new JsonObject { ["detail"] = text.Length > 200 ? text[..200] : text };
        }

        return new ApiResponse((int)response.StatusCode, json);
    }
}
