namespace Libp2p.Identity;

/// <summary>A key (or its protobuf encoding) is malformed, of an unknown type, or not a valid point/modulus.</summary>
public sealed class KeyFormatException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.InvalidKey, message, inner);
