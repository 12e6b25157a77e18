using Libp2p.Identity;

namespace Libp2p.Cli;

/// <summary>Reads and writes private key files: the libp2p PrivateKey protobuf, as js-libp2p's privateKeyToProtobuf writes it.</summary>
internal static class KeyFiles
{
    // Largest valid file is an 8192-bit RSA key (~4.7 KiB); anything far bigger is not a key file.
    private const long MaxFileLength = 16 * 1024;

    public static PrivateKey Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new CliException($"key file not found: {path}");
        if (info.Length > MaxFileLength)
            throw new CliException($"{path} is {info.Length} bytes; not a libp2p private key file.");
        var bytes = File.ReadAllBytes(path);
        try { return PrivateKey.FromProtobuf(bytes); }
        catch (KeyFormatException e) { throw new CliException($"{path} is not a libp2p private key: {e.Message}", e); }
    }

    /// <summary>Writes a new file (never overwriting unless <paramref name="overwrite"/>), readable only by the owner on Unix.</summary>
    public static void Save(string path, PrivateKey key, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(key.ToProtobuf());
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            throw new CliException($"{path} already exists (use --force to overwrite).");
        }
    }
}
