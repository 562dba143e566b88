/**
 * Runs Fish Audio's published examples (test/fixtures/docs-examples/), unchanged, one after the
 * other in this process, for test/docs-examples.test.ts:
 *
 *   node docs-runner.mjs <stand-in url> <work folder> <example file>...
 *
 * The examples call `https://api.fish.audio`, so `fetch` is wrapped to send those requests to
 * the stand-in instead, tagged with an `x-docs-example` header naming the example; any other
 * host is refused, so nothing leaves the machine. Each example runs in its own folder under the
 * work folder (with the `reference.wav` and `speech.wav` it reads) and its console output is
 * collected. When the process has nothing left to do (so every file an example wrote is
 * flushed), one JSON line goes to stdout: per example, `ok`, the error, and the lines logged.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const API = 'https://api.fish.audio';
const [base, work, ...files] = process.argv.slice(2);
let current = '';

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.startsWith(`${API}/`)) {
    return Promise.reject(new TypeError(`docs-runner: refused ${url} (not the API)`));
  }
  const target = base + url.slice(API.length);
  if (input instanceof Request) input = new Request(target, input);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : {}));
  headers.set('x-docs-example', current);
  return realFetch(input instanceof Request ? input : target, { ...init, headers });
};

const results = [];
const logged = [];
for (const method of ['log', 'info', 'error', 'warn']) {
  console[method] = (...args) => logged.push(args.map(String).join(' '));
}

for (const file of files) {
  current = path.basename(file, '.mjs');
  const dir = path.join(work, current);
  await mkdir(dir, { recursive: true });
  for (const input of ['reference.wav', 'speech.wav']) {
    await copyFile(path.join(work, input), path.join(dir, input));
  }
  await copyFile(file, path.join(dir, path.basename(file)));
  process.chdir(dir);
  logged.length = 0;
  try {
    await import(pathToFileURL(path.join(dir, path.basename(file))).href);
    results.push({ example: current, ok: true, logged: [...logged] });
  } catch (error) {
    results.push({ example: current, ok: false, error: String(error), logged: [...logged] });
  }
}

process.on('exit', () => writeSync(1, JSON.stringify(results) + '\n'));
