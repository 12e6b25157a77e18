using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Libp2p.Cli;

/// <summary>Human vs --json output. JSON is written with Utf8JsonWriter (no reflection serializer: the tool is AOT-safe).</summary>
internal static class Output
{
    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print machine-readable JSON instead of text." };

    public static bool IsJson(ParseResult parse) => parse.GetValue(JsonOption);

    /// <summary>Writes one JSON object (and a newline) to the command's standard output.</summary>
    public static void WriteJsonObject(ParseResult parse, Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new MemoryStream();
        // Relaxed escaping: base64 '+' stays '+' (this is terminal/pipe output, not HTML).
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        parse.InvocationConfiguration.Output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    public static void WriteLine(ParseResult parse, string line) => parse.InvocationConfiguration.Output.WriteLine(line);
}
