using System.CommandLine;
using Libp2p.Identity;

namespace Libp2p.Cli.Commands;

/// <summary><c>p2p keygen [--type ed25519|secp256k1|ecdsa|rsa] --out FILE [--force] [--json]</c></summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type")
        {
            Description = "Key type: ed25519 (default), secp256k1, ecdsa (P-256) or rsa (2048 bits).",
            DefaultValueFactory = _ => "ed25519",
        };
        type.AcceptOnlyFromAmong("ed25519", "secp256k1", "ecdsa", "rsa");
        var output = new Option<string>("--out") { Description = "File to write the private key to (libp2p protobuf).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists." };

        var command = new Command("keygen", "Generate a private key, write it to a file and print its peer id.")
        {
            type, output, force, Output.JsonOption,
        };
        command.SetRunner(parse =>
        {
            var key = PrivateKey.Generate(ParseType(parse.GetValue(type)!));
            KeyFiles.Save(parse.GetValue(output)!, key, parse.GetValue(force));
            IdCommand.Print(parse, key.PublicKey);
            return CommandRunner.Ok;
        });
        return command;
    }

    private static KeyType ParseType(string name) => name switch
    {
        "ed25519" => KeyType.Ed25519,
        "secp256k1" => KeyType.Secp256k1,
        "ecdsa" => KeyType.Ecdsa,
        "rsa" => KeyType.Rsa,
        _ => throw new CliException($"unknown key type '{name}'"),
    };
}
