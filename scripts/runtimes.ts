/**
 * `npm run check:runtimes`: the packed, installed package in every runtime the project
 * supports. The tarball from `npm pack` is installed offline into a temporary project; then
 *
 * - each JavaScript runtime (this Node, Node 22, Node 24, Bun, Deno) runs the probe of
 *   `lib/runtime-probe.ts` twice, as an ES module (`import`) and as CommonJS (`require`);
 *   Deno also builds a client without `--allow-env`;
 * - Chromium opens a page bundled with esbuild that calls the stand-in through the CORS proxy
 *   printed in the README ("Use in a browser"), on another origin. The screenshot goes to
 *   `artifacts/runtimes/` (git-ignored); the verdict is read from the page's text.
 *
 * Each runtime comes from an environment variable (NODE22, NODE24, BUN, DENO, CHROMIUM: the
 * binary's path) or from PATH. One line per runtime: PASS or FAIL, its version, and the `code`
 * a refused connection gets there. Exit 1 when any runtime fails or is missing
 * (`--allow-missing` skips absent ones, for local use). `--write-readme` rewrites the README's
 * runtime table from this run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { format } from 'prettier';
import { runPage } from './lib/chromium.js';
import { installPackedProject } from './lib/consumer.js';
import { runMain } from './lib/main.js';
import { runProcess, track } from './lib/process.js';
import { CJS_PROBE, ESM_PROBE, NO_ENV_PROBE, PROBE_CHECKS } from './lib/runtime-probe.js';
import { PAGE_CHECKS, PAGE_HTML, PAGE_SOURCE } from './lib/browser-page.js';
import {
  EDGE_CHECKS,
  EDGE_RUNTIME_SOURCE,
  WORKERD_SOURCE,
  workerdConfig,
} from './lib/edge-worker.js';
import { ROOT } from './lib/root.js';
import { startLiveStandIn } from '../src/testing/live.js';

/** Where the screenshot goes; git-ignored. */
export const OUTPUT_DIR = path.join(ROOT, 'artifacts', 'runtimes');
const README = path.join(ROOT, 'README.md');
const TABLE_START =
  '<!-- runtimes:start — written by `npm run check:runtimes -- --write-readme` -->';
const TABLE_END = '<!-- runtimes:end -->';
const TTS_FIRST = 'ID3-first-chunk;';
const TTS_REST = 'the-rest-of-the-audio';

/** One runtime of the matrix. */
export interface RuntimeSpec {
  /** Its name in the report and the README. */
  name: string;
  /** The environment variable that can point at its binary. */
  variable?: string;
  /** Names to look for on PATH. */
  onPath: string[];
  /** The Node major a `node` binary must have, when it is one. */
  nodeMajor?: number;
  kind: 'node' | 'bun' | 'deno' | 'chromium' | 'workerd' | 'edge-runtime';
}

/** The matrix, in report order. The first is the Node running this script. */
export const RUNTIMES: RuntimeSpec[] = [
  { name: 'node', onPath: [], kind: 'node' },
  { name: 'node22', variable: 'NODE22', onPath: ['node22'], nodeMajor: 22, kind: 'node' },
  { name: 'node24', variable: 'NODE24', onPath: ['node24'], nodeMajor: 24, kind: 'node' },
  { name: 'bun', variable: 'BUN', onPath: ['bun'], kind: 'bun' },
  { name: 'deno', variable: 'DENO', onPath: ['deno'], kind: 'deno' },
  {
    name: 'chromium',
    variable: 'CHROMIUM',
    onPath: ['chromium', 'chromium-browser'],
    kind: 'chromium',
  },
  { name: 'workerd', variable: 'WORKERD', onPath: ['workerd'], kind: 'workerd' },
  {
    name: 'edge-runtime',
    variable: 'EDGE_RUNTIME',
    onPath: ['edge-runtime'],
    kind: 'edge-runtime',
  },
];

/** What one runtime did. */
export interface RuntimeResult {
  name: string;
  status: 'PASS' | 'FAIL' | 'missing';
  version: string;
  /** The `code` of a refused connection there, or a note for Chromium. */
  refusedCode: string;
  /** What failed, one line each. */
  problems: string[];
}

/** The report line for one runtime, as printed. */
export function reportLine(r: RuntimeResult): string {
  const single =
    { chromium: PAGE_CHECKS.length, workerd: EDGE_CHECKS.length }[r.name] ??
    (r.name === 'edge-runtime' ? EDGE_CHECKS.length : undefined);
  const checks = single ?? PROBE_CHECKS.length;
  return `${r.status.padEnd(7)} ${r.name.padEnd(12)} ${r.version.padEnd(14)} ${checks} checks${
    single === undefined ? ' × import, require' : ''
  }; refused connection code: ${r.refusedCode}`;
}

/** The README's runtime table for a run, as prettier formats it. */
export async function renderTable(results: RuntimeResult[]): Promise<string> {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.version} | ${r.status} | ${r.refusedCode === '—' ? '—' : `\`${r.refusedCode}\``} |`,
  );
  const table = [
    '| runtime | version | result | `APIConnectionError.code` of a refused connection |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  return (await format(table, { parser: 'markdown', proseWrap: 'preserve' })).trim();
}

/** The table between the README's markers. */
export function readmeTable(readme: string): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + TABLE_START.length, end).trim();
}

/** Parses the README table back into results (the inverse of {@link renderTable}). */
export function parseTable(table: string): RuntimeResult[] {
  return table
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map(([name = '', version = '', status = '', code = '']) => ({
      name,
      version,
      status: status as RuntimeResult['status'],
      refusedCode: code.replace(/`/g, ''),
      problems: [],
    }));
}

/** The code the `which` of PATH gives for the first of `names` found. */
function findOnPath(names: string[]): string | undefined {
  for (const name of names) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on PATH: try the next name
    }
  }
  return undefined;
}

function locate(spec: RuntimeSpec): string | undefined {
  if (spec.name === 'node') return process.execPath;
  const fromEnv = spec.variable ? process.env[spec.variable] : undefined;
  return fromEnv ? fromEnv : findOnPath(spec.onPath);
}

async function versionOf(spec: RuntimeSpec, binary: string): Promise<string> {
  if (spec.kind === 'edge-runtime') {
    // Its CLI has no --version: the package it belongs to says.
    const pkg = path.join(path.dirname(realpathSync(binary)), '..', '..', 'package.json');
    return (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version;
  }
  const result = await runProcess(binary, ['--version']);
  const text = (result.stdout + result.stderr).trim();
  // `v22.23.3`, `1.4.5`, `deno 2.9.6 (stable, …)`, `Chromium 156.0.8078.108 built on …`,
  // `workerd 2026-11-23` (its compatibility date)
  const match = /(\d+\.\d+\.\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2})/.exec(text);
  if (result.code !== 0 || !match) throw new Error(`${binary} --version: ${text.split('\n')[0]}`);
  return match[1]!;
}

/** The command line that runs `file` in a JavaScript runtime. */
function commandFor(spec: RuntimeSpec, file: string, { env = true } = {}): string[] {
  if (spec.kind === 'deno') {
    return [
      'run',
      '--no-prompt',
      '--node-modules-dir=manual',
      '--allow-net=127.0.0.1',
      '--allow-read',
      ...(env ? ['--allow-env'] : []),
      file,
    ];
  }
  return [file];
}

/** Small local servers the probes need besides the stand-in: a stalled API and a TTS one. */
async function startFixtures() {
  const sockets = new Set<import('node:net').Socket>();
  // TTS answers wait here after their first chunk until the probe asks for the rest
  // (`POST /release`), so the first chunk reaches it on its own however busy the machine is.
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith('/slow/')) return; // never answers: for the abort and the timeout
    if (req.url === '/v1/tts' && req.method === 'POST') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(TTS_FIRST);
      held.push(res);
      return;
    }
    if (req.url === '/release' && req.method === 'POST') {
      for (const waiting of held.splice(0)) waiting.end(TTS_REST);
      return void res.writeHead(204).end();
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not here"}');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was free a moment ago: connecting to it is refused.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const refused = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    env: { SLOW_URL: `${url}/slow`, TTS_URL: url, REFUSED_URL: refused, TTS_FIRST, TTS_REST },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Checks = Record<string, true | string>;

/** Runs one probe file; the checks it reported, or one `run` entry saying why it could not. */
async function runProbe(
  binary: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ checks: Checks; code?: string; crossed?: boolean }> {
  const result = await runProcess(binary, args, { cwd, env });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(line) as { checks: Checks; code?: string; crossed?: boolean };
    if (result.code !== 0) parsed.checks.exit = `exit ${result.code}: ${result.stderr.trim()}`;
    return parsed;
  } catch {
    const output = (result.stdout + result.stderr).trim().split('\n').slice(0, 6).join(' | ');
    return { checks: { run: `exit ${result.code}: ${output}` } };
  }
}

async function checkJsRuntime(
  spec: RuntimeSpec,
  binary: string,
  consumer: string,
  env: NodeJS.ProcessEnv,
): Promise<Omit<RuntimeResult, 'name' | 'version'>> {
  const problems: string[] = [];
  const codes = new Set<string>();
  let crossedCopies = false;
  for (const [label, file] of [
    ['import', 'probe.mjs'],
    ['require', 'probe.cjs'],
  ] as const) {
    const { checks, code, crossed } = await runProbe(binary, commandFor(spec, file), consumer, env);
    codes.add(code ?? 'none');
    crossedCopies ||= crossed === true;
    for (const name of PROBE_CHECKS) if (!(name in checks)) checks[name] = 'did not run';
    for (const [name, outcome] of Object.entries(checks)) {
      if (outcome !== true) problems.push(`${label}: ${name}: ${outcome}`);
    }
  }
  // The brand check means something only if some probe held two copies of the package.
  if (!crossedCopies) problems.push('no probe loaded two copies (ESM and CJS) of the package');
  if (spec.kind === 'deno') {
    const { checks } = await runProbe(
      binary,
      commandFor(spec, 'no-env.mjs', { env: false }),
      consumer,
      {
        ...env,
      },
    );
    for (const [name, outcome] of Object.entries(checks)) {
      if (outcome !== true) problems.push(`no --allow-env: ${name}: ${outcome}`);
    }
  }
  return {
    status: problems.length === 0 ? 'PASS' : 'FAIL',
    refusedCode: [...codes].join(' / '),
    problems,
  };
}

/** `fish-audio-api/testing` as the consumer installed it: the stand-in the packed build makes. */
async function installedTesting(
  consumer: string,
): Promise<typeof import('../src/testing/index.js')> {
  const entry = path.join(
    consumer,
    'node_modules',
    'fish-audio-api',
    'dist',
    'testing',
    'index.js',
  );
  return (await import(pathToFileURL(entry).href)) as typeof import('../src/testing/index.js');
}

/** A static server for the page (one origin) and the README's proxy (another). */
async function checkChromium(
  binary: string,
  consumer: string,
  stage: string,
): Promise<Omit<RuntimeResult, 'name' | 'version'>> {
  const testing = await installedTesting(consumer);
  const bundle = await build({
    stdin: { contents: PAGE_SOURCE, resolveDir: consumer, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const pages = http.createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_HTML);
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const api = await testing.startStandIn({ credit: '7.2500' });
  // In the consumer, whose node_modules has ws: the proxy relays the live endpoint with it.
  const proxyFile = path.join(consumer, 'cors-proxy.mjs');
  await writeFile(proxyFile, await readmeProxy());
  const proxy = await startProxy(proxyFile, {
    ...process.env,
    PORT: '0',
    UPSTREAM: api.url,
    ALLOW_ORIGIN: origin,
    FISH_API_KEY: api.apiKey,
  });
  try {
    await mkdir(OUTPUT_DIR, { recursive: true });
    const page = `${origin}/?proxy=${encodeURIComponent(proxy.url)}&direct=${encodeURIComponent(api.url)}`;
    const outcome = await runPage(binary, page, {
      screenshot: path.join(OUTPUT_DIR, 'chromium.png'),
      doneTitles: ['PASS', 'FAIL'],
    });
    const lines = outcome.text.split('\n').filter(Boolean);
    const problems = lines.filter((line) => !line.startsWith('PASS '));
    for (const name of PAGE_CHECKS) {
      if (!lines.some((line) => line.includes(name))) problems.push(`${name}: did not run`);
    }
    if (outcome.title !== 'PASS' && problems.length === 0) problems.push(`title ${outcome.title}`);
    return {
      status: problems.length === 0 ? 'PASS' : 'FAIL',
      refusedCode: '—',
      problems,
    };
  } finally {
    await proxy.close();
    await api.close().catch(() => {});
    await new Promise<void>((resolve) => pages.close(() => resolve()));
  }
}

/**
 * An edge runtime (Cloudflare's workerd, Vercel's edge-runtime): the worker of
 * scripts/lib/edge-worker.ts, bundled from the consumer, served by the runtime on a local port
 * and asked once to run its checks against a stand-in started here.
 */
async function checkEdge(
  kind: 'workerd' | 'edge-runtime',
  binary: string,
  consumer: string,
  stage: string,
): Promise<Omit<RuntimeResult, 'name' | 'version'>> {
  const testing = await installedTesting(consumer);
  const dir = path.join(stage, kind);
  await mkdir(dir);
  const workerd = kind === 'workerd';
  const bundle = await build({
    stdin: {
      contents: workerd ? WORKERD_SOURCE : EDGE_RUNTIME_SOURCE,
      resolveDir: consumer,
      loader: 'js',
    },
    bundle: true,
    // workerd runs an ES module; edge-runtime evaluates a script.
    format: workerd ? 'esm' : 'iife',
    platform: 'browser',
    conditions: workerd ? ['workerd', 'worker', 'browser'] : ['edge-light', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  await writeFile(path.join(dir, 'worker.js'), bundle.outputFiles[0]!.text);
  const port = await freePort();
  const args = workerd
    ? ['serve', path.join(dir, 'config.capnp')]
    : ['--listen', '--port', String(port), path.join(dir, 'worker.js')];
  if (workerd) await writeFile(path.join(dir, 'config.capnp'), workerdConfig(port));
  const api = await testing.startStandIn({ credit: '7.2500' });
  const { spawn } = await import('node:child_process');
  const child = track(spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = `http://127.0.0.1:${port}/?base=${encodeURIComponent(api.url)}&key=${api.apiKey}`;
    let answer: Response | undefined;
    // Until the runtime listens: counted tries, not a time limit.
    for (let tries = 0; !answer && tries < 300 && child.exitCode === null; tries++) {
      answer = await fetch(url).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      });
    }
    if (!answer) throw new Error(`${kind} did not answer: ${output.trim().slice(0, 300)}`);
    const results = (await answer.json()) as { name: string; ok: boolean; detail: string }[];
    const problems = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
    for (const name of EDGE_CHECKS) {
      if (!results.some((r) => r.name === name)) problems.push(`${name}: did not run`);
    }
    return { status: problems.length === 0 ? 'PASS' : 'FAIL', refusedCode: '—', problems };
  } finally {
    child.kill();
    await api.close().catch(() => {});
  }
}

/** A port nothing listens on at this moment, for a runtime that cannot report the one it took. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The README's proxy example, the first `js` block after "## Use in a browser". */
export async function readmeProxy(): Promise<string> {
  const readme = await readFile(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Use in a browser'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README: no js block after "## Use in a browser"');
  return match[1];
}

/** Starts the proxy file with Node and waits for the URL it prints (tests use it too). */
export async function startProxy(file: string, env: NodeJS.ProcessEnv) {
  const { spawn } = await import('node:child_process');
  const child = track(spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start: ${output}`)), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`proxy exited ${code}: ${output}`)));
  });
  return {
    url,
    child,
    /** What it printed so far. */
    output: () => output,
    close: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.kill();
      }),
  };
}

async function main(): Promise<number> {
  const allowMissing = process.argv.includes('--allow-missing');
  const writeReadme = process.argv.includes('--write-readme');
  const started = Date.now();
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const stage = await mkdtemp(path.join(tmpdir(), 'fish-audio-runtimes-'));
  const consumer = path.join(stage, 'consumer');
  await mkdir(consumer);
  await installPackedProject(consumer);
  await writeFile(path.join(consumer, 'probe.mjs'), ESM_PROBE);
  await writeFile(path.join(consumer, 'probe.cjs'), CJS_PROBE);
  await writeFile(path.join(consumer, 'no-env.mjs'), NO_ENV_PROBE);
  // Node's realtime needs ws (an optional peer); Bun and Deno use their global WebSocket.
  await symlink(path.join(ROOT, 'node_modules', 'ws'), path.join(consumer, 'node_modules', 'ws'));
  const fixtures = await startFixtures();
  // The live stand-in runs here, on Node, so each runtime's client side is what is tested.
  const live = await startLiveStandIn({ apiKey: 'probe-key', framesPerText: 2 });
  const env = { ...process.env, ...fixtures.env, LIVE_URL: live.url, FISH_API_KEY: 'probe-key' };
  const results: RuntimeResult[] = [];
  try {
    for (const spec of RUNTIMES) {
      const binary = locate(spec);
      let result: RuntimeResult;
      if (!binary) {
        result = {
          name: spec.name,
          status: 'missing',
          version: '—',
          refusedCode: '—',
          problems: [`not found: set ${spec.variable}=/path/to/it or put it on PATH`],
        };
      } else {
        try {
          const version = await versionOf(spec, binary);
          if (spec.nodeMajor !== undefined && Number(version.split('.')[0]) !== spec.nodeMajor) {
            throw new Error(`${binary} is Node ${version}, not ${spec.nodeMajor}`);
          }
          const outcome =
            spec.kind === 'chromium'
              ? await checkChromium(binary, consumer, stage)
              : spec.kind === 'workerd' || spec.kind === 'edge-runtime'
                ? await checkEdge(spec.kind, binary, consumer, stage)
                : await checkJsRuntime(spec, binary, consumer, env);
          result = { name: spec.name, version, ...outcome };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          result = {
            name: spec.name,
            status: 'FAIL',
            version: '?',
            refusedCode: '—',
            problems: [message],
          };
        }
      }
      results.push(result);
      console.log(reportLine(result));
      for (const problem of result.problems) console.log(`          ${problem}`);
    }
  } finally {
    await fixtures.close();
    await live.close();
    await rm(stage, { recursive: true, force: true });
  }
  const failed = results.filter((r) => r.status === 'FAIL').length;
  const missing = results.filter((r) => r.status === 'missing').length;
  console.log(
    `${results.length - failed - missing} passed, ${failed} failed, ${missing} missing` +
      `${missing > 0 && allowMissing ? ' (allowed)' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (writeReadme) {
    if (failed + missing > 0) {
      console.log('README not written: every runtime must be present and PASS.');
      return 1;
    }
    const readme = await readFile(README, 'utf8');
    const current = readmeTable(readme);
    if (current === undefined) throw new Error('README: no runtime table markers');
    const next = readme.replace(current, await renderTable(results));
    await writeFile(README, next);
    console.log(next === readme ? 'README table unchanged' : 'README table written');
  }
  return failed > 0 || (missing > 0 && !allowMissing) ? 1 : 0;
}

runMain(import.meta.url, 'check:runtimes', main);
