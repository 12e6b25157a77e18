// Standard input for the browser-wasm app, line by line (browser-wasm has no Console.In): C# polls readLine()
// from its event loop; the reader starts on the first call so commands that do not read leave stdin alone.
import { createInterface } from 'node:readline';

export function createStdinGlue () {
  const lines = [];
  let started = false;
  let ended = false;
  const start = () => {
    if (started) return;
    started = true;
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => lines.push(line));
    rl.on('close', () => { ended = true; });
  };
  return {
    // The next line, or null when none is buffered yet (check ended()).
    readLine: () => { start(); return lines.length > 0 ? lines.shift() : null; },
    ended: () => { start(); return ended && lines.length === 0; }
  };
}
