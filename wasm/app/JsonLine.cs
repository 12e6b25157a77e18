using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Libp2p.WasmApp;

/// <summary>One JSON object per line on stdout (errors on stderr), written without reflection (trim/AOT-safe).</summary>
public static class JsonLine
{
    public static void Write(string eventName, params (string Key, object? Value)[] fields) =>
        Console.Out.WriteLine(Format(("event", eventName), fields));

    public static void Error(Exception e)
    {
        var inner = e is AggregateException { InnerException: { } i } ? i : e;
        Console.Error.WriteLine(Format(("error", inner.GetType().Name), [("message", inner.Message.ReplaceLineEndings(" "))]));
    }

    private static string Format((string Key, object? Value) first, (string Key, object? Value)[] fields)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            WriteField(w, first.Key, first.Value);
            foreach (var (k, v) in fields) WriteField(w, k, v);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteField(Utf8JsonWriter w, string key, object? value)
    {
        switch (value)
        {
            case null: w.WriteNull(key); break;
            case bool b: w.WriteBoolean(key, b); break;
            case int i: w.WriteNumber(key, i); break;
            case long l: w.WriteNumber(key, l); break;
            case double d: w.WriteNumber(key, Math.Round(d, 3)); break;
            case IEnumerable<string> list:
                w.WriteStartArray(key);
                foreach (var s in list) w.WriteStringValue(s);
                w.WriteEndArray();
                break;
            default: w.WriteString(key, value.ToString()); break;
        }
    }
}
