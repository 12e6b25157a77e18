namespace Libp2p.Host.Resources;

/// <summary>
/// A scope's memory: its own account first, then those of the scopes above it. Subclasses add the counts they track
/// (guarded by the manager's lock).
/// </summary>
internal abstract class ResourceScope : IResourceScope
{
    private protected ResourceScope(ResourceManager manager, string name, MemoryAccount own, MemoryAccount[] above)
    {
        Manager = manager;
        Name = name;
        Own = own;
        Chain = [own, .. above];
    }

    internal ResourceManager Manager { get; }
    internal MemoryAccount Own { get; }
    private protected MemoryAccount[] Chain { get; set; }

    public string Name { get; }
    public long MemoryUsed => Own.Used;
    public long MemoryLimit => Own.Limit;

    /// <summary>Reserves along the chain; the account that refused, or null.</summary>
    private protected virtual MemoryAccount? TryReserveCore(long bytes) => MemoryAccount.TryReserve(Chain, bytes);

    /// <summary>The scope is closed: reservations are refused, but that is no limit being hit (not counted or logged).</summary>
    public virtual bool IsClosed => false;

    public bool TryReserveMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var refused = TryReserveCore(bytes);
        if (refused is null) return true;
        if (!IsClosed) Manager.ReportMemoryRefused(refused, this, bytes);
        return false;
    }

    public void ReserveMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var refused = TryReserveCore(bytes);
        if (refused is null) return;
        if (!IsClosed) Manager.ReportMemoryRefused(refused, this, bytes);
        throw new ResourceLimitExceededException(refused.LimitName, refused.Limit, refused.ScopeName, $"{bytes} bytes of memory for {Name}");
    }

    public virtual void ReleaseMemory(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        MemoryAccount.Release(Chain, bytes);
    }

    public override string ToString() => Name;
}
