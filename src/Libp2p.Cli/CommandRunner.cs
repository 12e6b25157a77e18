using System.CommandLine;
using System.Security;
using Libp2p.Noise;

namespace Libp2p.Cli;

/// <summary>
/// Runs a command body and maps failures to one line on stderr ("p2p: message") and exit code 1; a stack trace
/// is never printed. Cancellation (Ctrl+C) exits with 130 like a shell would report SIGINT.
/// </summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Interrupted = 130;

    public static void SetRunner(this Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => RunAsync(parse, ct, body));

    public static void SetRunner(this Command command, Func<ParseResult, int> body) =>
        command.SetAction((parse, ct) => RunAsync(parse, ct, (p, _) => Task.FromResult(body(p))));

    public static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        try
        {
            return await body(parse, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Interrupted;
        }
        catch (Exception e)
        {
            parse.InvocationConfiguration.Error.WriteLine($"p2p: {Describe(e)}");
            return Failure;
        }
    }

    /// <summary>One line for the user: known failures by their message, anything else with its type.</summary>
    public static string Describe(Exception e)
    {
        string message = e switch
        {
            CliException => e.Message,
            PeerIdMismatchException m => $"peer id mismatch: expected {m.Expected}, the remote proved to be {m.Actual}",
            // Some timeout messages say so already ("connecting to X timed out").
            Libp2pException { IsTimeout: true } when e.Message.Contains("timed out", StringComparison.Ordinal) => e.Message,
            Libp2pException { IsTimeout: true } or TimeoutException => $"timed out: {e.Message}",
            OperationCanceledException => "timed out (a longer --timeout may help)", // the user's Ctrl+C is handled before
            Libp2pException { Libp2pError: Libp2pError.ProtocolNotSupported } => $"the peer does not serve it: {e.Message}",
            Libp2pException => e.Message,
            FileNotFoundException f => $"file not found: {f.FileName ?? e.Message}",
            DirectoryNotFoundException => $"directory not found: {e.Message}",
            UnauthorizedAccessException or SecurityException => $"permission denied: {e.Message}",
            IOException => e.Message,
            _ => $"unexpected error ({e.GetType().Name}): {e.Message}",
        };
        return message.ReplaceLineEndings(" ");
    }
}
