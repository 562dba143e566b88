/**
 * The published package, as a user gets it: `npm pack`, then an offline install of the tarball
 * into a fresh project, where `import`, `require`, the types (node16 and bundler resolution),
 * the testing helper and the `fish-audio-api` bin must all work against a local server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode } from './helpers/project-copy.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

const exec = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  exec('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });

let consumer: string;
let tarball: string;
let server: TestServer;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) await npm(['run', 'build'], ROOT);
  consumer = await mkdtemp(path.join(tmpdir(), 'fish-audio-consumer-'));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', consumer], ROOT);
  tarball = path.join(consumer, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  await writeFile(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  // Offline, and with nothing from the npm cache: `npm ci` on a fresh machine stores no registry
  // metadata, so the runtime dependencies are packed from node_modules and installed beside it.
  const dependencies = await packRuntimeDependencies(consumer);
  await npm(
    ['install', '--offline', '--no-audit', '--no-fund', tarball, ...dependencies],
    consumer,
  );
  server = await startServer();
  server.reply(200, apiCreditBody({ credit: '7.5000' }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

/** Packs every runtime dependency of the package, transitively, from ROOT's node_modules. */
async function packRuntimeDependencies(destination: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = Object.keys(await readManifest(ROOT));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(await readManifest(path.join(ROOT, 'node_modules', name))));
  }
  const tarballs: string[] = [];
  for (const name of seen) {
    const dir = path.join(ROOT, 'node_modules', name);
    // --ignore-scripts: a folder's `prepare` script would try to rebuild the dependency.
    const { stdout } = await npm(
      ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, dir],
      ROOT,
    );
    tarballs.push(
      path.join(destination, (JSON.parse(stdout) as { filename: string }[])[0]!.filename),
    );
  }
  return tarballs;
}

async function readManifest(dir: string): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  return pkg.dependencies ?? {};
}

const env = () => ({ FISH_API_KEY: 'sk-consumer', BASE_URL: server.url });

describe('the installed package', () => {
  it('ships only dist, README, LICENSE and package.json', async () => {
    const { stdout } = await npm(['pack', '--dry-run', '--json'], ROOT);
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map(
      (f) => f.path,
    );
    expect(files.every((f) => /^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toBe(true);
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/cli.js');
  });

  it('has three runtime dependencies: openapi-fetch, and msgpack and the SSE parser', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@msgpack/msgpack',
      'eventsource-parser',
      'openapi-fetch',
    ]);
  });

  it('imports only openapi-fetch up front, and msgpack and the SSE parser only when needed', async () => {
    for (const file of ['index.js', 'index.cjs']) {
      const code = await readFile(path.join(ROOT, 'dist', file), 'utf8');
      const dynamic = [
        ...code.matchAll(/(?:import\(|then\(\(\) => __toESM\(require\()['"]([^'"]+)['"]/g),
      ].map((m) => m[1]);
      const all = [...code.matchAll(/(?:from |require\(|import\()['"]([^'"]+)['"]/g)].map(
        (m) => m[1]!,
      );
      const upFront = all.filter((s) => !dynamic.includes(s) && !s.startsWith('./'));
      expect(upFront, file).toEqual(['openapi-fetch']);
      expect([...new Set(dynamic)].sort(), file).toEqual([
        '@msgpack/msgpack',
        'eventsource-parser',
      ]);
    }
  });

  it('works with import', async () => {
    const script = [
      "import { FishAudio, AuthenticationError } from 'fish-audio-api';",
      'const client = new FishAudio({ baseUrl: process.env.BASE_URL });',
      'const credit = await client.wallet.getApiCredit();',
      'console.log(credit.credit, typeof AuthenticationError);',
    ].join('\n');
    await writeFile(path.join(consumer, 'esm.mjs'), script);
    const result = await runNode(consumer, ['esm.mjs'], env());
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('7.5000 function');
  });

  it('works with require', async () => {
    const script = [
      "const { FishAudio, FishAudioError } = require('fish-audio-api');",
      'const client = new FishAudio({ baseUrl: process.env.BASE_URL });',
      'client.wallet.getApiCredit().then((credit) => console.log(credit.credit, typeof FishAudioError));',
    ].join('\n');
    await writeFile(path.join(consumer, 'cjs.cjs'), script);
    const result = await runNode(consumer, ['cjs.cjs'], env());
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('7.5000 function');
  });

  it('loads the testing helper with import and with require', async () => {
    await writeFile(
      path.join(consumer, 'testing.mjs'),
      "import { startStandIn } from 'fish-audio-api/testing'; console.log(typeof startStandIn);",
    );
    await writeFile(
      path.join(consumer, 'testing.cjs'),
      "console.log(typeof require('fish-audio-api/testing').startStandIn);",
    );
    expect((await runNode(consumer, ['testing.mjs'])).stdout.trim()).toBe('function');
    expect((await runNode(consumer, ['testing.cjs'])).stdout.trim()).toBe('function');
  });

  it('loads the realtime entry with import and with require, and asks for ws when a session opens', async () => {
    // ws is an optional peer: not installed here, so opening a session must say to install it.
    const open =
      "openLiveSession(new FishAudio({ apiKey: 'k' })).catch((e) => console.log(e instanceof FishAudioError, e.message.includes('npm install ws')));";
    await writeFile(
      path.join(consumer, 'realtime.mjs'),
      `import { FishAudio, FishAudioError } from 'fish-audio-api'; import { openLiveSession } from 'fish-audio-api/realtime'; ${open}`,
    );
    await writeFile(
      path.join(consumer, 'realtime.cjs'),
      `const { FishAudio, FishAudioError } = require('fish-audio-api'); const { openLiveSession } = require('fish-audio-api/realtime'); ${open}`,
    );
    for (const file of ['realtime.mjs', 'realtime.cjs']) {
      const result = await runNode(consumer, [file]);
      expect(result.stderr, file).toBe('');
      expect(result.stdout.trim(), file).toBe('true true');
    }
  });

  it('names its one command after the package, so `npx fish-audio-api` runs this package', async () => {
    // `fish-audio` is the npm name of Fish Audio's official SDK: npx would run someone else's code.
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ [pkg.name]: './dist/cli.js' });
  });

  it('installs the fish-audio-api command', async () => {
    const bin = path.join(consumer, 'node_modules', '.bin', 'fish-audio-api');
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    const { stdout } = await exec(bin, ['--version'], { cwd: consumer });
    expect(stdout.trim()).toBe(pkg.version);
    const credit = await exec(bin, ['credit', '--json', '--base-url', server.url], {
      cwd: consumer,
      env: { ...process.env, FISH_API_KEY: 'sk-consumer' },
    });
    expect(JSON.parse(credit.stdout)).toEqual(apiCreditBody({ credit: '7.5000' }));
  });

  it.each([
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('resolves its types under moduleResolution %s', async (name, options) => {
    const dir = path.join(consumer, `types-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...options, strict: true, noEmit: true, target: 'es2022', types: [] },
        include: ['*.mts'],
      }),
    );
    await writeFile(
      path.join(dir, 'use.mts'),
      [
        "import { FishAudio, type ApiCredit, RateLimitError } from 'fish-audio-api';",
        "import { startStandIn } from 'fish-audio-api/testing';",
        "import { liveSpeech, type LiveSession } from 'fish-audio-api/realtime';",
        "const client = new FishAudio({ apiKey: 'k' });",
        'export const credit: Promise<ApiCredit> = client.wallet.getApiCredit({ user_id: "self" });',
        'export const amount = (c: ApiCredit): string => c.credit;',
        'export const retry = (e: RateLimitError): number | undefined => e.retryAfter;',
        'export const helper = startStandIn;',
        "export const audio: AsyncIterable<Uint8Array> = liveSpeech(client, ['Hi'], { format: 'mp3' });",
        'export const finished = (s: LiveSession): Promise<void> => s.done;',
        '// @ts-expect-error the parameter is user_id, as the spec names it',
        "export const typo = client.wallet.getApiCredit({ userId: 'self' });",
        '',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await runNode(dir, [tsc, '-p', '.']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
