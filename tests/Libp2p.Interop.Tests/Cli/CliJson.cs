using System.Text.Json;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>Parsing the CLI's JSON-lines output: every non-empty stdout line with --json is one object.</summary>
internal static class CliJson
{
    public static JsonElement Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Not a JSON object line: {line}", e);
        }
    }

    public static IReadOnlyList<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    public static string? Kind(JsonElement e) => e.TryGetProperty("event", out var k) ? k.GetString() : null;

    public static List<string> Strings(JsonElement e, string property) =>
        [.. e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!)];
}
