namespace Libp2p.Multiformats;

/// <summary>
/// The text form: "/name/value/name/…". As go-multiaddr: the text must start with '/', trailing slashes are ignored,
/// an empty segment elsewhere is an error, and "/" or "" is not an address. A path protocol (unix) takes the rest.
/// </summary>
internal static class MultiaddrTextCodec
{
    public static bool TryParse(string text, out List<MultiaddrComponent> components, out string error)
    {
        components = [];
        if (text.Length > Multiaddr.MaxLength)
            return Fail($"multiaddr text longer than {Multiaddr.MaxLength} characters", out error);
        var s = text.AsSpan().TrimEnd('/');
        if (s.IsEmpty)
            return Fail(text.Length == 0 ? "empty multiaddr" : "multiaddr has no components", out error);
        if (s[0] != '/')
            return Fail($"multiaddr '{MultiaddrComponent.Shorten(text)}' does not start with '/'", out error);

        int i = 1; // s[i-1] is the '/' before the next protocol name
        while (i <= s.Length)
        {
            var name = NextSegment(s, ref i);
            if (name.IsEmpty)
                return Fail("empty protocol name (\"//\")", out error);
            var protocol = MultiaddrProtocol.FromName(name.ToString());
            if (protocol is null)
                return Fail($"unknown protocol '{MultiaddrComponent.Shorten(name.ToString())}'", out error);

            string? value = null;
            if (protocol.HasValue)
            {
                if (i > s.Length)
                    return Fail($"missing value for /{protocol.Name}", out error);
                if (protocol.IsPath)
                {
                    value = s[(i - 1)..].ToString(); // includes its leading '/'
                    i = s.Length + 1;
                }
                else
                {
                    value = NextSegment(s, ref i).ToString();
                }
            }
            if (!MultiaddrComponent.TryCreate(protocol, value, out var component, out error))
                return false;
            components.Add(component);
        }
        error = "";
        return true;
    }

    /// <summary>The segment starting at <paramref name="i"/>; moves <paramref name="i"/> past the '/' that ends it.</summary>
    private static ReadOnlySpan<char> NextSegment(ReadOnlySpan<char> s, ref int i)
    {
        int end = s[i..].IndexOf('/');
        end = end < 0 ? s.Length : i + end;
        var segment = s[i..end];
        i = end + 1;
        return segment;
    }

    public static string Format(IReadOnlyList<MultiaddrComponent> components)
    {
        if (components.Count == 0)
            return "/"; // as js-multiaddr prints an empty address (Parse rejects it, as go does)
        var sb = new System.Text.StringBuilder();
        foreach (var c in components)
            sb.Append(c.ToString());
        return sb.ToString();
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
