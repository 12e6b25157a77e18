using System.CommandLine;
using Libp2p.Identity;

namespace Libp2p.Cli.Commands;

/// <summary><c>p2p id --key FILE [--json]</c>: the peer id (and public key) of a private key file.</summary>
internal static class IdCommand
{
    public static Command Create()
    {
        var key = new Option<string>("--key") { Description = "Private key file (libp2p protobuf).", Required = true };
        var command = new Command("id", "Print the peer id of a private key file.") { key, Output.JsonOption };
        command.SetRunner(parse =>
        {
            Print(parse, KeyFiles.Load(parse.GetValue(key)!).PublicKey);
            return CommandRunner.Ok;
        });
        return command;
    }

    /// <summary>The peer id line, or <c>{"peerId": "...", "publicKey": "&lt;base64 protobuf&gt;"}</c> with --json.</summary>
    public static void Print(ParseResult parse, PublicKey publicKey)
    {
        var peerId = publicKey.ToPeerId().ToString();
        if (!Output.IsJson(parse))
        {
            Output.WriteLine(parse, peerId);
            return;
        }
        Output.WriteJsonObject(parse, w =>
        {
            w.WriteString("peerId", peerId);
            w.WriteString("publicKey", Convert.ToBase64String(publicKey.ToProtobuf()));
        });
    }
}
