using Libp2p.WasmApp;

// Entry point of the browser-wasm app (run by wasm/host/main.mjs under Node): `<command> [args...]`.
// Commands are registered by name in WasmCommands; output is one JSON object per line on stdout,
// errors one line on stderr with exit code 1.
return await WasmCommands.RunAsync(args);
