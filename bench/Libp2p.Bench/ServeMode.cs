using System.Text.Json;
using Libp2p.Host;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>
/// `Libp2p.Bench serve`: a stand-in for `p2p listen --perf --json` in a process of its own, with the
/// same host settings as the CLI (perf on, identify on, no idle timeout). Used when the CLI cannot
/// start (see <see cref="Peers.StartCSharpListenerAsync"/>). Prints the listening line, then one
/// connection:open line per inbound connection; stops when stdin closes or on SIGTERM.
/// </summary>
public static class ServeMode
{
    public static async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        _ = Task.Run(async () =>
        {
            // stdin closing (the bench exiting) is the other way to stop
            var buffer = new byte[256];
            using var stdin = Console.OpenStandardInput();
            while (await stdin.ReadAsync(buffer) > 0) { }
            stop.Cancel();
        });
        await using var host = Peers.CreateHost(enablePerf: true);
        await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), stop.Token);
        Emit(w =>
        {
            w.WriteString("event", "listening");
            w.WriteString("peerId", host.PeerId.ToString());
            w.WriteStartArray("addrs");
            foreach (var a in host.ListenAddresses) w.WriteStringValue(a.ToString());
            w.WriteEndArray();
        });
        try
        {
            await foreach (var e in host.Events.ReadAllAsync(stop.Token))
                if (e is HostEvent.ConnectionOpened o)
                    Emit(w => { w.WriteString("event", "connection:open"); w.WriteString("peer", o.Connection.RemotePeer.ToString()); });
        }
        catch (OperationCanceledException) { }
        return 0;
    }

    private static void Emit(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
        Console.Out.Flush();
    }
}
