/**
 * The live contract check (`scripts/contract-live.ts`), run against local servers only: the
 * stand-in for a conforming API, a plain test server for a drifting one. It runs in-process with
 * its output captured; one run is a real process, to see what a terminal would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractLive, type ContractLiveEnv } from '../scripts/contract-live.js';
import { runProcess } from '../scripts/lib/process.js';
import { operationManifest } from '../src/generated/operations.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';
import { captureIo, ROOT, type RunResult } from './helpers/project-copy.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
const KEY = 'sk-contract-live-secret-0123456789abcdef';
const SKIPPED = 'skipped: set FISH_API_KEY to run the live contract check\n';

/** Everything the check printed in any test, checked for the key at the end. */
const outputs: string[] = [];

/** Runs the check in-process with exactly these FISH_* variables, never the caller's own. */
async function runLive(env: ContractLiveEnv): Promise<RunResult> {
  const out = captureIo();
  const code = await contractLive(env, out.io);
  const result = { code, stdout: out.stdout(), stderr: out.stderr() };
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** Runs the script as a process with exactly these FISH_* variables, never the caller's own. */
async function runLiveProcess(env: ContractLiveEnv): Promise<RunResult> {
  const { FISH_API_KEY: _key, FISH_BASE_URL: _url, ...inherited } = process.env;
  const args = ['--import', 'tsx', 'scripts/contract-live.ts'];
  const result = await runProcess(process.execPath, args, {
    cwd: ROOT,
    env: { ...inherited, NO_COLOR: '1', ...env },
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

let standIn: StandIn;
let drifting: TestServer;

beforeAll(async () => {
  standIn = await startStandIn({ apiKey: KEY });
  drifting = await startServer();
});
afterAll(async () => {
  await standIn.close();
  await drifting.close();
});
afterEach(() => standIn.reset());

describe('npm run contract:live', () => {
  it('skips with exit 0 when FISH_API_KEY is unset', async () => {
    const result = await runLive({});
    expect(result).toEqual({ code: 0, stdout: SKIPPED, stderr: '' });
  });

  it('reports no drift and exits 0 against an API that matches the spec', async () => {
    const result = await runLive({ FISH_API_KEY: KEY, FISH_BASE_URL: standIn.url });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('result: no drift');
  });

  it('probes every GET operation of the spec that needs no input, once each', async () => {
    await runLive({ FISH_API_KEY: KEY, FISH_BASE_URL: standIn.url });
    const probed = standIn.requests.map((r) => `${r.method} ${r.path}`);
    // A GET needs input when a parameter is required and has no default (an agent's id).
    const needsNoInput = Object.values(operationManifest).filter(
      (op) =>
        op.method === 'GET' &&
        Object.values(op.parameters).every(
          (p: { required: boolean; default?: unknown }) => !p.required || p.default !== undefined,
        ),
    );
    const expected = needsNoInput.map(
      (op) => `${op.method} ${op.path.replace('{user_id}', 'self')}`,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(probed.sort()).toEqual(expected.sort());
  });

  it('sends the key from FISH_API_KEY as a bearer token', async () => {
    await runLive({ FISH_API_KEY: KEY, FISH_BASE_URL: standIn.url });
    expect(standIn.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('lists properties the spec does not mention without failing', async () => {
    standIn.setResponse(API_CREDIT, { brand_new: 1 });
    const result = await runLive({ FISH_API_KEY: KEY, FISH_BASE_URL: standIn.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/not in the spec \(informational\): .*\/brand_new/);
  });

  it('exits 1 and names the pointer, expected and actual value of a drift', async () => {
    drifting.reply(200, apiCreditBody({ credit: 12 }));
    const result = await runLive({ FISH_API_KEY: KEY, FISH_BASE_URL: drifting.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${API_CREDIT}: 200, drift`);
    expect(result.stdout).toContain('/credit: expected type string, got number 12');
  });

  it('exits 1 with one line per failed call when the API refuses the key', async () => {
    const result = await runLive({ FISH_API_KEY: 'sk-some-other-key', FISH_BASE_URL: standIn.url });
    expect(result.code).toBe(1);
    const errorLines = result.stdout.split('\n').filter((line) => line.includes('Error'));
    expect(errorLines).toHaveLength(standIn.requests.length);
    expect(errorLines[0]).toMatch(/^GET \S+: AuthenticationError: 401/);
  });

  it('hides the key, as a process, even when the server repeats it in an error', async () => {
    drifting.reply(401, { status: 401, message: `Invalid key ${KEY}` });
    const result = await runLiveProcess({ FISH_API_KEY: KEY, FISH_BASE_URL: drifting.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Invalid key (\*\*\*|\[redacted\])/);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  // Runs last: it looks back over everything printed above.
  it('never printed the key in any run', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(KEY);
  });
});
