/**
 * `npm run check:runtimes`: an opt-in smoke test of the built package in other JavaScript
 * runtimes. Each runtime runs the same probe (a call that retries past a 503, a typed 401, `.withResponse()`)
 * against the stand-in server on 127.0.0.1. Runtimes are found on PATH or through the BUN,
 * DENO and NODE22 environment variables; a missing one is reported as skipped, not failed.
 * Not part of `npm test`: CI machines carry only the project's Node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStandIn } from '../src/testing/index.js';
import { runMain } from './lib/main.js';
import { runProcess } from './lib/process.js';
import { ROOT } from './lib/root.js';

const ENTRY = pathToFileURL(path.join(ROOT, 'dist', 'index.js')).href;

const PROBE = `
import { FishAudio, AuthenticationError } from ${JSON.stringify(ENTRY)};
const env = globalThis.Deno ? Deno.env.toObject() : process.env;
const client = new FishAudio({ apiKey: env.PROBE_KEY, baseUrl: env.PROBE_URL, backoff: { initialDelayMs: 5 } });
const credit = await client.wallet.getApiCredit();
const wrong = new FishAudio({ apiKey: 'wrong-key', baseUrl: env.PROBE_URL });
const error = await wrong.wallet.getApiCredit().catch((e) => e);
const { response } = await client.wallet.getApiCredit({ team_id: 't1' }).withResponse();
console.log(JSON.stringify({
  credit: credit.credit,
  auth: error instanceof AuthenticationError && error.status === 401,
  status: response.status,
}));
`;

interface Runtime {
  name: string;
  /** The environment variable that can point at it. */
  variable?: string;
  command: string | undefined;
  args: (probe: string) => string[];
}

function onPath(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const runtimes: Runtime[] = [
  { name: `node ${process.version}`, command: process.execPath, args: (p) => [p] },
  { name: 'node 22', variable: 'NODE22', command: process.env.NODE22, args: (p) => [p] },
  { name: 'bun', variable: 'BUN', command: process.env.BUN ?? onPath('bun'), args: (p) => [p] },
  {
    name: 'deno',
    variable: 'DENO',
    command: process.env.DENO ?? onPath('deno'),
    args: (p) => [
      'run',
      '--node-modules-dir=manual',
      '--allow-net=127.0.0.1',
      '--allow-read',
      '--allow-env',
      p,
    ],
  },
];

async function main(): Promise<number> {
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-runtimes-'));
  const probe = path.join(dir, 'probe.mjs');
  await writeFile(probe, PROBE);
  const api = await startStandIn({ credit: '7.2500' });
  const env = { ...process.env, PROBE_KEY: api.apiKey, PROBE_URL: api.url };
  const expected = JSON.stringify({ credit: '7.2500', auth: true, status: 200 });
  let failed = 0;
  for (const runtime of runtimes) {
    if (!runtime.command) {
      console.log(`skipped  ${runtime.name}: not found (set ${runtime.variable}=/path/to/it)`);
      continue;
    }
    // The first call of each probe meets a 503 and must retry past it.
    api.failNext(503);
    // From the project folder, so that Deno resolves openapi-fetch through its package.json.
    const result = await runProcess(runtime.command, runtime.args(probe), { env, cwd: ROOT });
    const { code } = result;
    const out = (result.stdout + result.stderr).trim();
    const ok = code === 0 && out === expected;
    if (!ok) failed += 1;
    console.log(`${ok ? 'ok      ' : 'FAILED  '} ${runtime.name}${ok ? '' : `: ${out}`}`);
  }
  await api.close();
  await rm(dir, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

runMain(import.meta.url, 'check:runtimes', main);
