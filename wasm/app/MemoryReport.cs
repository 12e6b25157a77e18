using System.Runtime.InteropServices.JavaScript;

namespace Libp2p.WasmApp;

/// <summary>
/// The managed heap's side of the host's memory report (<c>kill -USR2</c> the Node process: wasm/host/main.mjs prints
/// one <c>{"event":"memory",...}</c> line). The benchmark uses it to tell what an idle connection costs inside the
/// .NET heap from what the Wasm linear memory and Node hold around it.
/// </summary>
public static partial class MemoryReport
{
    /// <summary>
    /// Live managed bytes (after a full, compacting collection when <paramref name="collect"/>), the GC's view of its
    /// heap and what it has committed, as a JSON object's members.
    /// </summary>
    [JSExport]
    public static string Managed(bool collect)
    {
        long before = GC.GetTotalMemory(false);
        long live = collect ? GC.GetTotalMemory(true) : before;
        var info = GC.GetGCMemoryInfo();
        return $"\"managed_bytes\":{before},\"managed_live_bytes\":{live},\"gc_heap_bytes\":{info.HeapSizeBytes}," +
            $"\"gc_committed_bytes\":{info.TotalCommittedBytes},\"gc_fragmented_bytes\":{info.FragmentedBytes},\"gc_count\":{GC.CollectionCount(0)}";
    }
}
