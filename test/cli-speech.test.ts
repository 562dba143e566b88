/**
 * `fish-audio-api tts` and `asr`, called in-process (`main`) against this file's own `node:http`
 * servers on 127.0.0.1: audio reaches the file or stdout while the server is still sending, a
 * failed synthesis leaves no file behind, uploads are byte-exact multipart, and failures end
 * with the same lines and exit codes as the other commands. A real pipe (stdin, a reader that
 * closes early) is in cli-process.test.ts.
 */
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { EXIT_CODES } from '../src/cli/index.js';
import { progressLine } from '../src/cli/progress.js';
import { sizeOf } from '../src/cli/render.js';
import { runCli, startCli, type CliRun, type CliRunOptions } from './helpers/cli.js';
import { listenLoopback, type LoopbackHandler } from './helpers/loopback.js';

const KEY = 'sk-cli-speech-8d2e4f6a1b3c5d70';
/** Every byte value, so that any text decoding on the way would show. */
const AUDIO_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const AUDIO = { 'content-type': 'audio/mpeg' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** A loopback server for one test, closed when the test finishes. */
async function serve(ctx: TestContext, handler: LoopbackHandler) {
  const api = await listenLoopback(handler);
  ctx.onTestFinished(api.close);
  return api;
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function closedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function tempDir(ctx: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fish-audio-speech-'));
  ctx.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The command's options with the test key; `env` adds to it or leaves it out. */
function withKey(env: Record<string, string | undefined> = {}, stdin?: string): CliRunOptions {
  return { env: { FISH_API_KEY: KEY, ...env }, stdin };
}

/** Runs the command to its end with the test key, and `stdin` (or nothing) to read. */
function fish(args: string[], env?: Record<string, string | undefined>, stdin?: string) {
  return runCli(args, withKey(env, stdin));
}

/** A failure: nothing on stdout and exactly one `error:` line on stderr. */
function expectFailure(run: CliRun, code: number, ...says: RegExp[]) {
  expect(run.code, run.stderr).toBe(code);
  expect(run.bytes.length).toBe(0);
  expect(run.stderr).toMatch(/^error: [^\n]+\n$/);
  for (const pattern of says) expect(run.stderr).toMatch(pattern);
}

/**
 * Resolves once some file in `dir` holds bytes: checked at once and again on each change the
 * file system reports in `dir`.
 */
function someFileHoldsBytes(ctx: TestContext, dir: string): Promise<void> {
  const watcher = watch(dir);
  ctx.onTestFinished(() => watcher.close());
  return new Promise((resolve) => {
    const check = async () => {
      const names = await readdir(dir).catch(() => []);
      const sizes = await Promise.all(
        names.map((name) =>
          stat(path.join(dir, name)).then(
            (info) => info.size,
            () => 0,
          ),
        ),
      );
      if (sizes.some((size) => size > 0)) resolve();
    };
    watcher.on('change', () => void check());
    watcher.on('error', () => {});
    void check();
  });
}

describe.concurrent('fish-audio-api tts', () => {
  it('posts the text, voice, model header and format, and saves the audio byte for byte', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
    const out = path.join(await tempDir(ctx), 'hello.mp3');
    const args = ['tts', 'Hello!', '--voice', 'v_1', '--model', 's2.1-pro-free', '-o', out];
    const run = await fish([...args, '--format', 'opus', '--base-url', api.url]);
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(api.requests).toHaveLength(1);
    const [seen] = api.requests;
    expect([seen!.method, seen!.url, seen!.headers.model]).toEqual([
      'POST',
      '/v1/tts',
      's2.1-pro-free',
    ]);
    expect(seen!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(seen!.body.toString())).toEqual({
      text: 'Hello!',
      reference_id: 'v_1',
      format: 'opus',
    });
    expect(await readFile(out)).toEqual(AUDIO_BYTES);
  });

  it('sends no model header, voice or format when none is given and the name has no known extension', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
    const out = path.join(await tempDir(ctx), 'speech.audio');
    expect((await fish(['tts', 'hi', '-o', out, '--base-url', api.url])).code).toBe(0);
    expect(api.requests[0]!.headers.model).toBeUndefined();
    expect(JSON.parse(api.requests[0]!.body.toString())).toEqual({ text: 'hi' });
  });

  describe('at a terminal', () => {
    const tts = async (ctx: TestContext, extra: string[], tty: boolean) => {
      const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end(AUDIO_BYTES));
      const out = path.join(await tempDir(ctx), 'hello.mp3');
      const args = ['tts', 'Hello!', '-o', out, '--base-url', api.url, ...extra];
      const run = await runCli(args, { ...withKey(), tty: { stderr: tty } });
      return { run, out };
    };

    it('says where the audio was saved and how much, in one line, once the progress line is erased', async (ctx) => {
      const { run, out } = await tts(ctx, ['--model', 's2.1-pro-free'], true);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      // The one chunk drew the progress line once; it was erased before the last line.
      expect(run.stderr).toMatch(
        new RegExp(
          `^\\r\\x1b\\[K256 bytes of audio received(, [\\d.]+ (bytes|kB|MB)/s)?\\r\\x1b\\[KSaved 256 bytes of audio to "${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\.\\n$`,
        ),
      );
    });

    it('notes once that without --model the API bills its paid default', async (ctx) => {
      const { run } = await tts(ctx, [], true);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^note: no --model: .*paid s2\.1-pro.*--model s2\.1-pro-free/);
    });

    it.for([
      ['with --quiet', ['--quiet'], true],
      ['with -q', ['-q'], true],
      ['when stderr is not a terminal', [], false],
    ] as Array<[string, string[], boolean]>)('writes no note %s', async ([, extra, tty], ctx) => {
      const { run, out } = await tts(ctx, extra, tty);
      expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(await readFile(out)).toEqual(AUDIO_BYTES);
    });
  });

  describe('the progress line', () => {
    const drawn = () => {
      const writes: string[] = [];
      let time = 0;
      const line = progressLine(
        (text) => writes.push(text),
        () => time,
      );
      return { writes, line, at: (ms: number) => (time = ms) };
    };

    it('draws the first chunk at once, then at most every 250 ms, with the rate', () => {
      const { writes, line, at } = drawn();
      at(0);
      line.update(100);
      at(100);
      line.update(5_000);
      at(1000);
      line.update(20_000);
      expect(writes).toEqual([
        '\r\x1b[K100 bytes of audio received',
        '\r\x1b[K20.0 kB of audio received, 20.0 kB/s',
      ]);
    });

    it('erases itself once when done, and writes nothing if it never drew', () => {
      const { writes, line } = drawn();
      line.done();
      expect(writes).toEqual([]);
      line.update(1);
      line.done();
      line.done();
      expect(writes).toEqual(['\r\x1b[K1 byte of audio received', '\r\x1b[K']);
    });
  });

  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [12_345, '12.3 kB'],
    [4_500_000, '4.5 MB'],
  ])('reads %i bytes as %s', (bytes, text) => {
    expect(sizeOf(bytes)).toBe(text);
  });

  const formats: Array<[name: string, flag: string[], sent: string]> = [
    ['hi.wav', [], 'wav'],
    ['hi.OPUS', [], 'opus'],
    ['hi.pcm', [], 'pcm'],
    ['hi.wav', ['--format', 'mp3'], 'mp3'],
  ];
  for (const [name, flag, sent] of formats) {
    it(`sends format ${sent} for -o ${name} ${flag.join(' ')}`.trimEnd(), async (ctx) => {
      const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
      const out = path.join(await tempDir(ctx), name);
      expect((await fish(['tts', 'hi', '-o', out, ...flag, '--base-url', api.url])).code).toBe(0);
      expect(JSON.parse(api.requests[0]!.body.toString()).format).toBe(sent);
    });
  }

  it('sends an unknown model as given, with a warning that names the nearest one', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish([
      'tts',
      'hi',
      '--model',
      's2.1-pro-fre',
      '-o',
      out,
      '--base-url',
      api.url,
    ]);
    expect(run.code).toBe(0);
    expect(api.requests[0]!.headers.model).toBe('s2.1-pro-fre');
    expect(run.stderr).toBe(
      'warning: --model "s2.1-pro-fre" is not one of s2.1-pro, s2.1-pro-free, s2-pro, s1; the API uses the paid s2.1-pro for a name it does not know. Did you mean s2.1-pro-free?\n',
    );
  });

  it('reads the text from stdin when the text argument is -', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish(
      ['tts', '-', '-o', out, '--base-url', api.url],
      {},
      'Grüße\nvon stdin\n',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(api.requests[0]!.body.toString()).text).toBe('Grüße\nvon stdin\n');
  });

  it('writes the first bytes to disk while the server is still sending', async (ctx) => {
    const dir = await tempDir(ctx);
    // The rest comes only once a file in the directory holds the first bytes: a command that
    // held the audio back would wait for ever, and the test would time out.
    const api = await serve(ctx, (_req, res) => {
      const grown = someFileHoldsBytes(ctx, dir);
      res.writeHead(200, AUDIO).write('first');
      void grown.then(() => res.end('-second'));
    });
    const out = path.join(dir, 'out.mp3');
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', api.url]);
    expect(run.code, run.stderr).toBe(0);
    expect((await readFile(out)).toString()).toBe('first-second');
    expect(await readdir(dir)).toEqual(['out.mp3']);
  });

  it('streams to stdout with -o -, the first bytes arriving before the server ends', async (ctx) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const api = await serve(ctx, (_req, res) => {
      res.writeHead(200, AUDIO).write(AUDIO_BYTES.subarray(0, 100));
      void released.then(() => res.end(AUDIO_BYTES.subarray(100)));
    });
    const running = startCli(['tts', 'hi', '-o', '-', '--base-url', api.url], withKey());
    // Without streaming the server would wait for ever, and the command would time out.
    await running.until(({ bytes }) => bytes.length > 0);
    release();
    const run = await running.done;
    expect(run.code).toBe(0);
    expect(run.bytes).toEqual(AUDIO_BYTES);
    expect(run.stderr).toBe('');
  });

  it('keeps an existing file and leaves no partial one when the audio breaks off', async (ctx) => {
    const dir = await tempDir(ctx);
    const out = path.join(dir, 'out.mp3');
    await writeFile(out, 'the old take');
    const api = await serve(ctx, (_req, res) => {
      res.writeHead(200, AUDIO).write('12345');
      setTimeout(() => res.destroy(), 50);
    });
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', api.url]);
    expectFailure(
      run,
      EXIT_CODES.NETWORK,
      /broke after 5 bytes of audio; .*out\.mp3 was not written\. Check the network and retry\./,
    );
    expect(await readdir(dir)).toEqual(['out.mp3']);
    expect((await readFile(out)).toString()).toBe('the old take');
  });

  it('exits 7 and leaves no file when the audio stalls for longer than --timeout', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).write('123'));
    const run = await fish([
      'tts',
      'hi',
      '-o',
      path.join(dir, 'a.mp3'),
      '--timeout',
      '1500',
      '--base-url',
      api.url,
    ]);
    expectFailure(
      run,
      EXIT_CODES.NETWORK,
      /stalled after 3 bytes; .*a\.mp3 was not written\. Retry, or raise --timeout\./,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 8 and writes nothing when a 200 carries a web page instead of audio', async (ctx) => {
    const dir = await tempDir(ctx);
    const api = await serve(ctx, (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'),
    );
    const run = await fish(['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--base-url', api.url]);
    expectFailure(
      run,
      EXIT_CODES.INVALID_RESPONSE,
      /answered text\/html instead of audio/,
      /--base-url/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe.concurrent('fish-audio-api tts and asr: API failures', () => {
  const statuses: Array<[status: number, code: number, says: RegExp]> = [
    [401, EXIT_CODES.AUTH, /refused the key \(HTTP 401: .*Check that FISH_API_KEY/],
    [402, EXIT_CODES.PAYMENT, /Not enough API credit \(HTTP 402: .*top up API credit/],
    [403, EXIT_CODES.AUTH, /may not do this \(HTTP 403/],
    [404, EXIT_CODES.API, /Not found \(HTTP 404/],
    [503, EXIT_CODES.API, /retry later\. \(HTTP 503: busy\)$/m],
  ];
  for (const [status, code, says] of statuses) {
    it(`tts exits ${code} on a ${status}, after one request, leaving no file`, async (ctx) => {
      const dir = await tempDir(ctx);
      const api = await serve(ctx, (_req, res) =>
        res.writeHead(status, JSON_TYPE).end(JSON.stringify({ status, message: 'busy' })),
      );
      const run = await fish(['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--base-url', api.url]);
      expectFailure(run, code, says);
      expect(api.requests).toHaveLength(1);
      expect(await readdir(dir)).toEqual([]);
    });
  }

  it('tts names --voice after a 404, where credit names --user-id', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(404, JSON_TYPE).end('{}'));
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish(['tts', 'hi', '--voice', 'gone', '-o', out, '--base-url', api.url]);
    expectFailure(run, EXIT_CODES.API, /Check --voice, and that --base-url/);
  });

  it('asr exits 5 on a 402 with the API-credit hint, after one request', async (ctx) => {
    const file = path.join(await tempDir(ctx), 'a.wav');
    await writeFile(file, AUDIO_BYTES);
    const api = await serve(ctx, (_req, res) => res.writeHead(402, JSON_TYPE).end('{}'));
    const run = await fish(['asr', file, '--base-url', api.url]);
    expectFailure(run, EXIT_CODES.PAYMENT, /API credit is separate from platform credit/);
    expect(api.requests).toHaveLength(1);
  });

  it('exits 7 without retry notices when nothing listens, since a POST is not retried', async (ctx) => {
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', await closedUrl()]);
    expectFailure(
      run,
      EXIT_CODES.NETWORK,
      /Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });

  it('never prints the key, even when the server echoes it', async (ctx) => {
    const api = await serve(ctx, (req, res) =>
      res.writeHead(401).end(`bad ${req.headers.authorization}`),
    );
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish(['tts', 'hi', '-o', out, '--base-url', api.url]);
    expectFailure(run, EXIT_CODES.AUTH, /bad Bearer \[redacted\]/);
  });
});

describe.concurrent('fish-audio-api asr', () => {
  /** A server that parses the multipart upload and answers with `body`. */
  async function asrServer(ctx: TestContext, body: unknown) {
    const forms: FormData[] = [];
    const api = await serve(ctx, (req, res, seen) => {
      void new Response(new Uint8Array(seen.body), {
        headers: { 'content-type': req.headers['content-type']! },
      })
        .formData()
        .then((form) => {
          forms.push(form);
          res.writeHead(200, JSON_TYPE).end(JSON.stringify(body));
        });
    });
    return { ...api, forms };
  }

  it('uploads the file as multipart, byte for byte with its name and language, and prints the text', async (ctx) => {
    const api = await asrServer(ctx, { text: 'hello there', duration: 1.5, segments: [] });
    const file = path.join(await tempDir(ctx), 'clip.wav');
    await writeFile(file, AUDIO_BYTES);
    const run = await fish(['asr', file, '--language', 'en', '--base-url', api.url]);
    expect(run).toMatchObject({ code: 0, stdout: 'hello there\n', stderr: '' });
    expect([api.requests[0]!.method, api.requests[0]!.url]).toEqual(['POST', '/v1/asr']);
    const audio = api.forms[0]!.get('audio') as File;
    expect(audio.name).toBe('clip.wav');
    expect(Buffer.from(await audio.arrayBuffer())).toEqual(AUDIO_BYTES);
    expect(api.forms[0]!.get('language')).toBe('en');
  });

  it('prints exactly the body with --json', async (ctx) => {
    const body = { text: 'hi', duration: 0.5, segments: [{ text: 'hi', start: 0, end: 0.5 }] };
    const api = await asrServer(ctx, body);
    const file = path.join(await tempDir(ctx), 'a.mp3');
    await writeFile(file, 'x');
    const run = await fish(['asr', file, '--json', '--base-url', api.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify(body, null, 2)}\n`);
    expect(api.forms[0]!.get('language')).toBeNull();
  });

  it('keeps line breaks in the transcript but strips terminal control characters', async (ctx) => {
    const api = await asrServer(ctx, { text: 'one\r\ntwo\x1b[2J\x07', duration: 1, segments: [] });
    const file = path.join(await tempDir(ctx), 'a.mp3');
    await writeFile(file, 'x');
    const run = await fish(['asr', file, '--base-url', api.url]);
    expect(run.stdout).toBe('one\ntwo[2J\n');
  });

  it('exits 8 when the body has no text string', async (ctx) => {
    const api = await asrServer(ctx, { transcript: 'hi' });
    const file = path.join(await tempDir(ctx), 'a.mp3');
    await writeFile(file, 'x');
    const run = await fish(['asr', file, '--base-url', api.url]);
    expectFailure(run, EXIT_CODES.INVALID_RESPONSE, /without a "text" string \(got nothing\)/);
  });
});

describe.concurrent('tts and asr usage errors: exit 2, nothing sent', () => {
  const cases: Array<[args: (dir: string) => string[], says: RegExp]> = [
    [() => ['tts', 'hi'], /'tts' needs -o\/--output FILE\. Run 'fish-audio-api tts --help'/],
    [
      (dir) => ['tts', '-o', path.join(dir, 'a.mp3')],
      /'tts' needs TEXT: The text to speak; '-' reads it from stdin\./,
    ],
    [
      (dir) => ['tts', 'a', 'b', '-o', path.join(dir, 'x.mp3')],
      /Unexpected argument "b" after 'tts'/,
    ],
    [(dir) => ['tts', '  ', '-o', path.join(dir, 'x.mp3')], /There is no text to speak\./],
    [(dir) => ['tts', 'hi', '-o', dir], /is a directory; give a file name such as/],
    [
      (dir) => ['tts', 'hi', '-o', path.join(dir, 'no', 'a.mp3')],
      /Cannot write -o .*: no directory/,
    ],
    [
      (dir) => ['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--format', 'mp4'],
      /--format "mp4" is not one of mp3, wav, pcm, opus\. Did you mean mp3\?/,
    ],
    [
      (dir) => ['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--voise', 'v'],
      /Unknown flag "--voise"\. Did you mean --voice\?/,
    ],
    [
      (dir) => ['tts', 'hi', '-o', path.join(dir, 'a.mp3'), '--language', 'en'],
      /--language does not apply to 'tts'/,
    ],
    [() => ['tts', 'hi', '--output'], /--output needs a value\./],
    [() => ['asr'], /'asr' needs FILE: The audio file to transcribe/],
    [
      (dir) => ['asr', path.join(dir, 'missing.wav')],
      /Cannot read ".*missing\.wav": no such file\./,
    ],
    [(dir) => ['asr', dir], /Cannot read ".*": not a file\./],
    [(dir) => ['asr', path.join(dir, 'a.wav'), '--voice', 'v'], /--voice does not apply to 'asr'/],
    [
      (dir) => ['asr', path.join(dir, 'a.wav'), '--lang', 'en'],
      /Unknown flag "--lang"\. Did you mean --language\?/,
    ],
  ];
  for (const [args, says] of cases) {
    it(`refuses '${args('DIR').join(' ')}'`, async (ctx) => {
      const dir = await tempDir(ctx);
      const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
      const run = await fish(args(dir), { FISH_BASE_URL: api.url });
      expectFailure(
        run,
        EXIT_CODES.USAGE,
        says,
        /Run 'fish-audio-api (tts|asr) --help' for usage\.$/m,
      );
      expect(api.requests).toHaveLength(0);
    });
  }

  it('refuses -o - when stdout is a terminal, before reading the key', async (ctx) => {
    const api = await serve(ctx, (_req, res) => res.writeHead(200, AUDIO).end('x'));
    const args = ['tts', 'hi', '-o', '-', '--base-url', api.url];
    const run = await runCli(args, { tty: { stdout: true } });
    expectFailure(
      run,
      EXIT_CODES.USAGE,
      /^error: Refusing to write audio to a terminal: pipe -o - into/,
    );
    expect(api.requests).toHaveLength(0);
  });

  it('reports a missing key as exit 3 once the command line is valid', async (ctx) => {
    const out = path.join(await tempDir(ctx), 'a.mp3');
    const run = await fish(['tts', 'hi', '-o', out], { FISH_API_KEY: undefined });
    expectFailure(run, EXIT_CODES.CONFIG, /FISH_API_KEY is not set/);
  });
});

describe.concurrent('tts and asr help', () => {
  const pages: Array<[command: string, has: RegExp[]]> = [
    [
      'tts',
      [
        /^Usage:\n  fish-audio-api tts TEXT -o FILE \[--voice ID\] \[--model MODEL\] \[--format FORMAT\]/m,
        /^Arguments:\n  TEXT +The text to speak; '-' reads it from stdin\./m,
        /the API uses the paid\s+s2\.1-pro; use\s+s2\.1-pro-free in development/,
        /^  # one voice, in mp3 \(the default\)\n  fish-audio-api tts "Hello!" --voice ID -o hello\.mp3$/m,
        /^  cat story\.txt \| fish-audio-api tts - /m,
      ],
    ],
    [
      'asr',
      [
        /^Usage:\n  fish-audio-api asr FILE \[--language LANG\] \[--json\]/m,
        /^  # the transcript as text\n  fish-audio-api asr meeting\.mp3$/m,
        /\(default: 60000\)\. Never retried\./,
      ],
    ],
  ];
  for (const [command, has] of pages) {
    it(`prints usage, arguments, flags and examples for '${command} --help'`, async () => {
      const run = await fish([command, '--help'], { FISH_API_KEY: undefined });
      expect(run.code).toBe(0);
      const text = run.stdout;
      for (const pattern of has) expect(text).toMatch(pattern);
      expect(text).not.toContain(command === 'tts' ? '--language' : '--voice');
    });
  }

  it('lists tts and asr among the commands of the overview', async () => {
    const text = (await fish(['--help'])).stdout;
    expect(text).toMatch(/^ +tts +Text to speech: streams the audio/m);
    expect(text).toMatch(/^ +asr +Speech to text: uploads an audio file/m);
  });
});
