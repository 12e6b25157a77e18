namespace Libp2p.Fuzz;

/// <summary>
/// One fuzz target: <see cref="Run"/> feeds arbitrary bytes to a decoder that reads network input and throws only
/// when the decoder misbehaves (an exception other than its own protocol exception, a wrong result, a hang);
/// <see cref="Seeds"/> are valid inputs the corpus starts from (written by <c>Libp2p.Fuzz --write-seeds</c>).
/// </summary>
public sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run, Func<IEnumerable<byte[]>> Seeds);

/// <summary>A decoder broke its contract on a fuzz input: afl records the input as a crash.</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Every target, by the name <c>scripts/fuzz</c> and the corpus folders use. No target may run library code in a static
/// initializer: under afl the library is instrumented, and its coverage map exists only once SharpFuzz runs the target.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        VarintTarget.Target,
        MultiaddrTarget.Target,
        MultistreamTarget.Target,
        NoiseHandshakeTarget.Target,
        NoisePayloadTarget.Target,
        NoiseFramesTarget.Target,
        KeyProtobufTarget.Target,
        KeyAsn1Target.Target,
        YamuxTarget.Target,
        IdentifyTarget.Target,
        DaemonControlTarget.Target,
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Runs an async decoder on the fuzzing thread; a hang is a finding, not a stuck fuzzer.</summary>
    internal static void RunBounded(Func<Task> body, string what)
    {
        var task = body();
        if (!task.Wait(TimeSpan.FromSeconds(5)))
            throw new FuzzFindingException($"{what} did not finish within 5 s on a finite input.");
        task.GetAwaiter().GetResult();
    }
}
