using Org.BouncyCastle.Asn1;

namespace Libp2p.Identity;

/// <summary>
/// Parses hostile ASN.1 input with BouncyCastle and maps every parse failure to <see cref="KeyFormatException"/>.
/// BouncyCastle accepts BER; callers enforce DER by re-encoding what they parsed and comparing it byte for byte
/// (<see cref="RequireCanonical"/>), so each key has exactly one accepted encoding.
/// </summary>
internal static class Asn1Input
{
    public static Asn1Sequence ParseSequence(ReadOnlySpan<byte> der, string what)
    {
        try
        {
            return Asn1Object.FromByteArray(der.ToArray()) as Asn1Sequence
                ?? throw new KeyFormatException($"{what} is not an ASN.1 SEQUENCE.");
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            throw new KeyFormatException($"{what} is not valid DER: {e.Message}", e);
        }
    }

    /// <summary>Runs a structural read of a parsed sequence, mapping BouncyCastle's cast/shape errors.</summary>
    public static T Read<T>(Func<T> read, string what)
    {
        try { return read(); }
        catch (Exception e) when (IsParseFailure(e))
        {
            throw new KeyFormatException($"{what} has an unexpected ASN.1 structure: {e.Message}", e);
        }
    }

    public static void RequireCanonical(ReadOnlySpan<byte> input, byte[] canonical, string what)
    {
        if (!input.SequenceEqual(canonical))
            throw new KeyFormatException($"{what} is not in the canonical DER form libp2p writes.");
    }

    // What BouncyCastle throws on malformed input: IOException (Asn1Exception, EndOfStreamException),
    // ArgumentException (GetInstance/casts, malformed INTEGER, RSA modulus screening), InvalidCastException,
    // InvalidOperationException, ArithmeticException (BigInteger on degenerate values; includes OverflowException).
    // Our own KeyFormatException (an IOException too) passes through unwrapped.
    private static bool IsParseFailure(Exception e) =>
        e is not Libp2pException && (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException
            or FormatException or ArithmeticException or IndexOutOfRangeException);
}
