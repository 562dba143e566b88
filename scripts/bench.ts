/**
 * `npm run bench`: what the client costs over the layers beneath it, measured in one run so the
 * ratios hold on a noisy machine. Nothing here asserts a time; it reports.
 *
 * 1. Overhead: the same canned response through a stubbed fetch, so only client code is timed:
 *    raw fetch + JSON.parse (baseline), bare openapi-fetch, and this client with and without
 *    response validation.
 * 2. Over real HTTP on 127.0.0.1: raw fetch against this client, sequential calls.
 * 3. Size: the built bundle, raw and gzipped, beside openapi-fetch's own.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import createClient from 'openapi-fetch';
import { FishAudio } from '../src/index.js';
import type { paths } from '../src/generated/fish-audio.js';
import { runMain } from './lib/main.js';
import { ROOT } from './lib/root.js';

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
const stubFetch = async () =>
  new Response(BODY, { status: 200, headers: { 'content-type': 'application/json' } });

/** Calls per second of `fn`, the median of `rounds` timed rounds after a warm-up. */
async function rate(fn: () => Promise<unknown>, calls: number, rounds = 5): Promise<number> {
  for (let i = 0; i < calls / 4; i++) await fn();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await fn();
    rates.push(calls / ((performance.now() - start) / 1000));
  }
  return rates.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

function table(title: string, rows: [string, number][]): void {
  const baseline = rows[0]![1];
  console.log(`\n${title}`);
  for (const [name, perSecond] of rows) {
    const ratio = (baseline / perSecond).toFixed(2);
    console.log(
      `  ${name.padEnd(44)} ${Math.round(perSecond).toString().padStart(8)} calls/s  ×${ratio} time`,
    );
  }
}

async function overhead(): Promise<void> {
  const base = 'http://127.0.0.1:9';
  const bare = createClient<paths>({ baseUrl: base, fetch: stubFetch });
  const strict = new FishAudio({ apiKey: 'k', baseUrl: base, fetch: stubFetch });
  const loose = new FishAudio({
    apiKey: 'k',
    baseUrl: base,
    fetch: stubFetch,
    validateResponses: 'off',
  });
  const calls = 5000;
  table('Client overhead, stubbed fetch (no network)', [
    [
      'raw fetch + JSON.parse (baseline)',
      await rate(async () => JSON.parse(await (await stubFetch()).text()), calls),
    ],
    [
      'bare openapi-fetch GET',
      await rate(
        () => bare.GET('/wallet/{user_id}/api-credit', { params: { path: { user_id: 'self' } } }),
        calls,
      ),
    ],
    ['FishAudio, validateResponses: off', await rate(() => loose.wallet.getApiCredit(), calls)],
    [
      'FishAudio, validateResponses: error (default)',
      await rate(() => strict.wallet.getApiCredit(), calls),
    ],
  ]);
}

async function overLoopback(): Promise<void> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new FishAudio({ apiKey: 'k', baseUrl: url });
  const calls = 1000;
  table('Sequential calls over HTTP on 127.0.0.1', [
    [
      'raw fetch + JSON.parse (baseline)',
      await rate(async () => (await fetch(`${url}/wallet/self/api-credit`)).json(), calls),
    ],
    ['FishAudio.wallet.getApiCredit()', await rate(() => client.wallet.getApiCredit(), calls)],
  ]);
  server.closeAllConnections();
  server.close();
}

function sizes(): void {
  console.log('\nSize');
  const files = [
    ['dist/index.js (this package, ESM)', path.join(ROOT, 'dist', 'index.js')],
    ['dist/index.cjs (this package, CJS)', path.join(ROOT, 'dist', 'index.cjs')],
    [
      'openapi-fetch dist/index.mjs (dependency)',
      path.join(ROOT, 'node_modules', 'openapi-fetch', 'dist', 'index.mjs'),
    ],
  ] as const;
  for (const [name, file] of files) {
    if (!existsSync(file)) {
      console.log(`  ${name.padEnd(44)} (not built: run npm run build)`);
      continue;
    }
    const bytes = readFileSync(file);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `  ${name.padEnd(44)} ${kib(bytes.length).padStart(10)}  ${kib(gzipSync(bytes).length).padStart(10)} gzipped`,
    );
  }
}

async function main(): Promise<number> {
  await overhead();
  await overLoopback();
  sizes();
  return 0;
}

runMain(import.meta.url, 'bench', main);
