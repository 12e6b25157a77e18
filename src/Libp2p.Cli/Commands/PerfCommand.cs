using System.CommandLine;

namespace Libp2p.Cli.Commands;

/// <summary><c>p2p perf MA --upload BYTES --download BYTES</c>: /perf/1.0.0 against a peer that serves it.</summary>
internal static class PerfCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "Multiaddr of a peer serving /perf/1.0.0 (p2p listen --perf)." };
        var upload = new Option<ulong>("--upload") { Description = "Bytes to send.", DefaultValueFactory = _ => 0 };
        var download = new Option<ulong>("--download") { Description = "Bytes to receive.", DefaultValueFactory = _ => 0 };
        var command = new Command("perf", "Measure upload and download throughput over /perf/1.0.0.")
        {
            address, upload, download, NodeSetup.KeyOption, NodeSetup.SecurityOption, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var target = NodeSetup.ParseAddress(parse.GetValue(address));
            ulong up = parse.GetValue(upload), down = parse.GetValue(download);
            bool json = Output.IsJson(parse);
            await using var host = NodeSetup.CreateHost(parse);
            var connection = await host.DialAsync(target, ct);
            var progress = json ? null : new ProgressLine(up, down);
            var result = await host.PerfAsync(connection, up, down, progress is null ? null : progress.Report, ct);
            progress?.Finish(result.UploadBytes, result.DownloadBytes);
            double upS = result.UploadTime.TotalSeconds, downS = result.DownloadTime.TotalSeconds;
            if (json)
            {
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteNumber("uploadBytes", result.UploadBytes);
                    w.WriteNumber("downloadBytes", result.DownloadBytes);
                    w.WriteNumber("uploadSeconds", Math.Round(upS, 6));
                    w.WriteNumber("downloadSeconds", Math.Round(downS, 6));
                });
            }
            else
            {
                Output.WriteLine(parse, $"upload:   {result.UploadBytes} bytes in {upS:0.###} s ({Rate(result.UploadBytes, upS)})");
                Output.WriteLine(parse, $"download: {result.DownloadBytes} bytes in {downS:0.###} s ({Rate(result.DownloadBytes, downS)})");
            }
            return CommandRunner.Ok;
        });
        return command;
    }

    internal static string Rate(ulong bytes, double seconds)
        => seconds <= 0 ? "n/a" : $"{bytes / seconds / 1e6:0.#} MB/s";

    /// <summary>A progress line on stderr for humans, redrawn in place.</summary>
    private sealed class ProgressLine(ulong up, ulong down)
    {
        public void Report(ulong uploaded, ulong downloaded)
            => Console.Error.Write($"\rperf: up {Percent(uploaded, up)} ({uploaded / 1048576.0:0.0} MiB)  down {Percent(downloaded, down)} ({downloaded / 1048576.0:0.0} MiB)   ");

        // Ends on the totals: a run shorter than the progress interval would otherwise show nothing.
        public void Finish(ulong uploaded, ulong downloaded)
        {
            Report(uploaded, downloaded);
            Console.Error.WriteLine();
        }

        private static string Percent(ulong done, ulong total) => total == 0 ? "100%" : $"{100.0 * done / total,3:0}%";
    }
}
