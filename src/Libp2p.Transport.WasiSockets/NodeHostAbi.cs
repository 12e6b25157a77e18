namespace Libp2p.Transport.WasiSockets;

/// <summary>Which backend a browser-wasm app under Node talks to jco's WASI host through.</summary>
public enum NodeHostAbi
{
    /// <summary>JSImport glue with its own conventions (wasm/host/wasi-glue.mjs).</summary>
    JsGlue,

    /// <summary>
    /// The canonical-ABI backend a WASI component build uses, unchanged: only each import's final call goes through
    /// a JSImport twin to the function jco lowered (wasm/host/canonical-glue.mjs).
    /// </summary>
    Canonical,
}
