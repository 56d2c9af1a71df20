using System.Text.Json;

namespace IoMT.Cli;

internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
