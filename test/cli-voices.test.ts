/**
 * `fish-audio-api voices ...`, called in-process (`main`) against this file's own `node:http`
 * servers on 127.0.0.1: the listing streams page by page, uploads are exact multipart, and
 * failures end with the same one-line errors and exit codes as the other commands.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_CODES } from '../src/cli/index.js';
import { runCli, startCli, type CliRun } from './helpers/cli.js';
import { listenLoopback, type Received } from './helpers/loopback.js';

const KEY = 'sk-cli-voices-3f9a1c7e5b2d4a60';
const JSON_TYPE = { 'content-type': 'application/json' };

/** A loopback server for one test, closed when the test finishes. */
async function serve(
  ctx: TestContext,
  handler: (res: http.ServerResponse, seen: Received) => void,
) {
  const api = await listenLoopback((_req, res, seen) => handler(res, seen));
  ctx.onTestFinished(api.close);
  return api;
}

const withKey = { env: { FISH_API_KEY: KEY } };

/** Runs the command to its end with the test key. */
const fish = (args: string[]) => runCli(args, withKey);

function expectFailure(run: CliRun, code: number, ...says: RegExp[]) {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
  for (const pattern of says) expect(run.stderr).toMatch(pattern);
}

function voice(n: number) {
  return {
    _id: `v${n}`,
    type: 'tts',
    title: `Voice ${n}`,
    state: 'trained',
    visibility: 'private',
    tags: [],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };
}

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-voices-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe.concurrent('fish-audio-api voices', () => {
  it('list prints the first pages before the last one is served, one line per voice', async (ctx) => {
    // 25 voices, 10 a page: pages 1 and 2 at once, page 3 only once their lines are out.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const page3Asked = new Promise<void>((resolve) => (asked = resolve));
    const api = await serve(ctx, (res, seen) => {
      const page = Number(new URL(seen.url, 'http://x').searchParams.get('page_number') ?? '1');
      const items = Array.from({ length: page === 3 ? 5 : page > 3 ? 0 : 10 }, (_, i) =>
        voice((page - 1) * 10 + i + 1),
      );
      const answer = () => res.writeHead(200, JSON_TYPE).end(JSON.stringify({ total: 25, items }));
      if (page === 3) {
        asked();
        void released.then(answer);
      } else answer();
    });
    const run = startCli(['voices', 'list', '--self', '--base-url', api.url], withKey);
    await run.until(({ stdout }) => stdout.split('\n').length - 1 === 20);
    // The request for page 3 leaves after page 2's lines are out: wait until the server has it.
    await page3Asked;
    expect(run.output().stdout).not.toContain('v21');
    release();
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toBe('');
    const lines = done.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    expect(lines[0]).toBe('v1\tVoice 1\ttrained\tprivate');
    expect(lines[24]).toBe('v25\tVoice 25\ttrained\tprivate');
    expect(
      api.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('page_number')),
    ).toEqual([null, '2', '3']);
    expect(new URL(api.requests[0]!.url, 'http://x').searchParams.get('self')).toBe('true');
  });

  it('list --json prints JSON Lines, server text kept exactly', async (ctx) => {
    const items = [{ ...voice(1), title: 'Two\nlines\x1b[31m' }, voice(2)];
    const api = await serve(ctx, (res) =>
      res.writeHead(200, JSON_TYPE).end(JSON.stringify({ total: 2, items })),
    );
    const run = await fish(['voices', 'list', '--json', '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(items);
    // Without --json, the control characters are gone and each voice stays one line.
    const plain = await fish(['voices', 'list', '--base-url', api.url]);
    expect(plain.stdout).toBe(
      'v1\tTwo lines [31m\ttrained\tprivate\nv2\tVoice 2\ttrained\tprivate\n',
    );
  });

  it('get prints a summary, or the body with --json; a 404 is exit 6', async (ctx) => {
    const api = await serve(ctx, (res, seen) => {
      if (seen.url === '/model/v1') res.writeHead(200, JSON_TYPE).end(JSON.stringify(voice(1)));
      else res.writeHead(404, JSON_TYPE).end(JSON.stringify({ message: 'Model not found' }));
    });
    const run = await fish(['voices', 'get', 'v1', '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^id {2,}v1\ntitle {2,}Voice 1\ntype {2,}tts\nstate {2,}trained\n/);
    const json = await fish(['voices', 'get', 'v1', '--json', '--base-url', api.url]);
    expect(JSON.parse(json.stdout)).toEqual(voice(1));
    expectFailure(
      await fish(['voices', 'get', 'nope', '--base-url', api.url]),
      EXIT_CODES.API,
      /Not found \(HTTP 404: Model not found\)/,
      /voices list --self/,
    );
  });

  it('create uploads one multipart part per file, with the texts, and prints the new id', async (ctx) => {
    const dir = await tempDir(ctx);
    const a = path.join(dir, 'a.mp3');
    const b = path.join(dir, 'b.wav');
    const bytesA = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bytesB = Buffer.from('RIFF....WAVE');
    await writeFile(a, bytesA);
    await writeFile(b, bytesB);
    const api = await serve(ctx, (res) =>
      res.writeHead(201, JSON_TYPE).end(JSON.stringify({ ...voice(9), _id: 'new-voice' })),
    );
    const args = ['voices', 'create', '--title', 'Me', a, b, '--text', 'first', '--text', 'second'];
    const run = await fish([...args, '--base-url', api.url]);
    expect(run).toMatchObject({ code: 0, stdout: 'new-voice\n', stderr: '' });
    const [seen] = api.requests;
    expect([seen!.method, seen!.url]).toEqual(['POST', '/model']);
    expect(seen!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Request('http://x', {
      method: 'POST',
      headers: { 'content-type': seen!.headers['content-type']! },
      body: new Uint8Array(seen!.body),
    }).formData();
    expect([...form.keys()].sort()).toEqual(
      ['texts', 'texts', 'title', 'train_mode', 'type', 'visibility', 'voices', 'voices'].sort(),
    );
    expect(form.get('title')).toBe('Me');
    expect(form.get('type')).toBe('tts');
    expect(form.get('train_mode')).toBe('fast');
    expect(form.get('visibility')).toBe('private');
    expect(form.getAll('texts')).toEqual(['first', 'second']);
    const files = form.getAll('voices') as File[];
    expect(files.map((file) => file.name)).toEqual(['a.mp3', 'b.wav']);
    expect(Buffer.from(await files[0]!.arrayBuffer())).toEqual(bytesA);
    expect(Buffer.from(await files[1]!.arrayBuffer())).toEqual(bytesB);
  });

  it('create refuses a missing file, a --text count that differs, and a bad --visibility before sending', async (ctx) => {
    const dir = await tempDir(ctx);
    const a = path.join(dir, 'a.mp3');
    await writeFile(a, 'x');
    const api = await serve(ctx, (res) => res.writeHead(500).end());
    const url = ['--base-url', api.url];
    expectFailure(
      await fish(['voices', 'create', '--title', 'Me', path.join(dir, 'none.mp3'), ...url]),
      EXIT_CODES.USAGE,
      /Cannot read ".*none\.mp3": no such file\. Run 'fish-audio-api voices create --help'/,
    );
    expectFailure(
      await fish(['voices', 'create', '--title', 'Me', a, '--text', '1', '--text', '2', ...url]),
      EXIT_CODES.USAGE,
      /one --text per FILE.*got 2 for 1/,
    );
    expectFailure(
      await fish(['voices', 'create', '--title', 'Me', a, '--visibility', 'privat', ...url]),
      EXIT_CODES.USAGE,
      /Did you mean private\?/,
    );
    expectFailure(
      await fish(['voices', 'create', a, ...url]),
      EXIT_CODES.USAGE,
      /needs --title TITLE/,
    );
    expectFailure(
      await fish(['voices', 'create', '--title', 'Me', ...url]),
      EXIT_CODES.USAGE,
      /needs FILE\.\.\./,
    );
    expect(api.requests).toHaveLength(0);
  });

  it('delete sends DELETE /model/ID and exits 0; a 403 is exit 4', async (ctx) => {
    const api = await serve(ctx, (res, seen) => {
      if (seen.url === '/model/v1') res.writeHead(200).end();
      else res.writeHead(403, JSON_TYPE).end(JSON.stringify({ message: `not yours ${KEY}` }));
    });
    const run = await fish(['voices', 'delete', 'v1', '--base-url', api.url]);
    expect(run).toMatchObject({ code: 0, stdout: 'deleted v1\n', stderr: '' });
    expect(api.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['DELETE', '/model/v1', `Bearer ${KEY}`],
    ]);
    expectFailure(
      await fish(['voices', 'delete', 'v2', '--base-url', api.url]),
      EXIT_CODES.AUTH,
      /Only its owner can delete a voice/,
    );
  });

  it('subcommands: did-you-mean, a missing one, per-command help with examples', async () => {
    expectFailure(await fish(['voices', 'lst']), EXIT_CODES.USAGE, /Did you mean 'voices list'\?/);
    expectFailure(await fish(['voice', 'list']), EXIT_CODES.USAGE, /Did you mean 'voices'\?/);
    expectFailure(
      await fish(['voices']),
      EXIT_CODES.USAGE,
      /needs a subcommand: list, get, create or delete/,
    );
    expectFailure(await fish(['voices', 'get']), EXIT_CODES.USAGE, /'voices get' needs ID/);
    expectFailure(
      await fish(['voices', 'list', '--title', 'x']),
      EXIT_CODES.USAGE,
      /--title does not apply to 'voices list'/,
    );
    expectFailure(
      await fish(['voices', 'list', '--slef']),
      EXIT_CODES.USAGE,
      /Did you mean --self\?/,
    );
    const help = await fish(['voices', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^fish-audio-api voices create: /);
    expect(help.stdout).toContain('fish-audio-api voices create --title Me a.mp3 b.mp3');
    const group = await fish(['help', 'voices']);
    expect(group.stdout).toMatch(/^fish-audio-api voices: /);
    expect(group.stdout).toContain('fish-audio-api voices delete ID');
    const overview = await fish(['--help']);
    expect(overview.stdout).toContain('voices list');
  });
});
