using System.CommandLine;
using Libp2p.Identity;

namespace Libp2p.Cli.Commands;

/// <summary><c>p2p identify MA</c>: what the remote says about itself over /ipfs/id/1.0.0.</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "Multiaddr of the peer." };
        var command = new Command("identify", "Ask a peer to identify itself.")
        {
            address, NodeSetup.KeyOption, NodeSetup.SecurityOption, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var target = NodeSetup.ParseAddress(parse.GetValue(address));
            await using var host = NodeSetup.CreateHost(parse);
            using var cts = new Core.Deadline(NodeSetup.TimeoutFrom(parse), host.TimeProvider, ct);
            var connection = await host.DialAsync(target, cts.Token);
            var info = await host.IdentifyAsync(connection, cts.Token);
            var peerId = info.PublicKey.Length > 0 ? PublicKey.FromProtobuf(info.PublicKey).ToPeerId() : connection.RemotePeer;
            if (Output.IsJson(parse))
            {
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("peerId", peerId.ToString());
                    w.WriteString("protocolVersion", info.ProtocolVersion);
                    w.WriteString("agentVersion", info.AgentVersion);
                    w.WriteString("publicKey", Convert.ToBase64String(info.PublicKey));
                    w.WriteStartArray("listenAddrs");
                    foreach (var a in info.ListenAddresses) w.WriteStringValue(a.ToString());
                    w.WriteEndArray();
                    if (info.ObservedAddress is null) w.WriteNull("observedAddr");
                    else w.WriteString("observedAddr", info.ObservedAddress.ToString());
                    w.WriteStartArray("protocols");
                    foreach (var p in info.Protocols) w.WriteStringValue(p);
                    w.WriteEndArray();
                });
            }
            else
            {
                Output.WriteLine(parse, $"Peer id:          {peerId}");
                Output.WriteLine(parse, $"Agent version:    {info.AgentVersion}");
                Output.WriteLine(parse, $"Protocol version: {info.ProtocolVersion}");
                Output.WriteLine(parse, $"Observed address: {info.ObservedAddress?.ToString() ?? "(none)"}");
                Output.WriteLine(parse, "Listen addresses:");
                foreach (var a in info.ListenAddresses) Output.WriteLine(parse, $"  {a}");
                Output.WriteLine(parse, "Protocols:");
                foreach (var p in info.Protocols) Output.WriteLine(parse, $"  {p}");
            }
            return CommandRunner.Ok;
        });
        return command;
    }
}
