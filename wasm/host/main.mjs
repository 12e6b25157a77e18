// Node host of the browser-wasm app: loads the published .NET runtime, registers the WASI glue over jco's
// preview2-shim, and runs Main with our arguments. `--deny-network` (first argument) starts the app
// without the network capability: bind/connect then fail with WASI `access-denied`.
import { createSockets } from '@bytecodealliance/preview2-shim/sockets';
import { createWasiGlue } from './wasi-glue.mjs';
import { createStdinGlue } from './stdin.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const framework = process.env.LIBP2P_WASM_FRAMEWORK ?? path.join(here, '..', 'app', 'publish', 'wwwroot', '_framework');

let args = process.argv.slice(2);
let enableNetwork = true;
if (args[0] === '--deny-network') { enableNetwork = false; args = args.slice(1); }

const { dotnet } = await import(pathToFileURL(path.join(framework, 'dotnet.js')).href);
let builder = dotnet.withApplicationArguments(...args);
for (const name of ['LIBP2P_LOG', 'LIBP2P_WASM_LOOP_TRACE']) {
  if (process.env[name] !== undefined) builder = builder.withEnvironmentVariable(name, process.env[name]);
}
const runtime = await builder.create();
runtime.setModuleImports('libp2p-wasi', createWasiGlue(createSockets({ enableNetwork })));
runtime.setModuleImports('libp2p-stdin', createStdinGlue());
const code = await runtime.runMain();
process.exit(code);
