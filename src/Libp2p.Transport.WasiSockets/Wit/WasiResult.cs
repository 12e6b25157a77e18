namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>result&lt;_, error-code&gt;</c> without allocation.</summary>
internal readonly struct WasiResult
{
    private readonly NetworkErrorCode _error;
    private readonly bool _failed;

    private WasiResult(NetworkErrorCode error) { _error = error; _failed = true; }

    public static WasiResult Ok => default;
    public static WasiResult Fail(NetworkErrorCode error) => new(error);

    public bool IsOk => !_failed;
    /// <summary>The error; only meaningful when <see cref="IsOk"/> is false.</summary>
    public NetworkErrorCode Error => _error;
    public bool IsWouldBlock => _failed && _error == NetworkErrorCode.WouldBlock;

    public override string ToString() => IsOk ? "ok" : $"err({_error.ToWitName()})";
}

/// <summary><c>result&lt;T, error-code&gt;</c> without allocation.</summary>
internal readonly struct WasiResult<T>
{
    private readonly T _value;
    private readonly NetworkErrorCode _error;
    private readonly bool _failed;

    private WasiResult(T value, NetworkErrorCode error, bool failed) { _value = value; _error = error; _failed = failed; }

    public static WasiResult<T> Ok(T value) => new(value, default, false);
    public static WasiResult<T> Fail(NetworkErrorCode error) => new(default!, error, true);

    public bool IsOk => !_failed;
    public NetworkErrorCode Error => _error;
    public bool IsWouldBlock => _failed && _error == NetworkErrorCode.WouldBlock;

    /// <summary>The value; throws when the result is an error.</summary>
    public T Value => _failed ? throw new InvalidOperationException($"result is err({_error.ToWitName()})") : _value;

    public override string ToString() => IsOk ? $"ok({_value})" : $"err({_error.ToWitName()})";
}

/// <summary>Outcome of a <c>wasi:io/streams</c> call: ok, <c>closed</c>, or <c>last-operation-failed</c>.</summary>
internal enum StreamStatus
{
    Ok = 0,
    Closed = 1,
    Failed = 2,
}
