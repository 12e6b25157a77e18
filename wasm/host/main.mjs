// Node host of the browser-wasm app: loads the published .NET runtime, registers the WASI glue over jco's
// preview2-shim, and runs Main with our arguments. `--deny-network` (first argument) starts the app
// without the network capability: bind/connect then fail with WASI `access-denied`.
import { createSockets } from '@bytecodealliance/preview2-shim/sockets';
import { createWasiGlue } from './wasi-glue.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
const framework = process.env.LIBP2P_WASM_FRAMEWORK ?? path.join(here, '..', 'app', 'publish', 'wwwroot', '_framework');

let args = process.argv.slice(2);
let enableNetwork = true;
if (args[0] === '--deny-network') { enableNetwork = false; args = args.slice(1); }

// `--key FILE`: the app's file system is an in-memory one, so the host copies the key file into it at the same
// (absolute) path before Main runs; a file the host cannot read is left for the app to report as missing.
const keyFiles = [];
for (let i = 0; i < args.length; i++) {
  const inline = args[i].startsWith('--key=') ? args[i].slice('--key='.length) : null;
  if ((args[i] !== '--key' || i + 1 === args.length) && inline === null) continue;
  const file = path.resolve(inline ?? args[i + 1]);
  if (inline !== null) args[i] = `--key=${file}`; else args[i + 1] = file;
  try { keyFiles.push({ file, data: fs.readFileSync(file) }); } catch { }
}

const { dotnet } = await import(pathToFileURL(path.join(framework, 'dotnet.js')).href);
let builder = dotnet.withApplicationArguments(...args);
for (const name of ['LIBP2P_LOG', 'LIBP2P_WASM_LOOP_TRACE']) {
  if (process.env[name] !== undefined) builder = builder.withEnvironmentVariable(name, process.env[name]);
}
const runtime = await builder.create();
for (const { file, data } of keyFiles) {
  runtime.Module.FS_createPath('/', path.dirname(file).slice(1), true, true);
  try { runtime.Module.FS_createDataFile(path.dirname(file), path.basename(file), data, true, false, false); }
  catch { } // named twice: copied already
}
runtime.setModuleImports('libp2p-wasi', createWasiGlue(createSockets({ enableNetwork })));
const code = await runtime.runMain();
process.exit(code);
