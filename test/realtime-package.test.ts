/**
 * The realtime entry as built: the main bundles hold no WebSocket code, the realtime entry
 * loads with `import` and `require` and shares the main entry's error classes, and the
 * README's realtime example runs as written against the live stand-in.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveStandIn, type LiveStandIn } from '../src/testing/live.js';
import { builtPackage } from './helpers/built.js';
import { ROOT, runNode } from './helpers/project-copy.js';

const DIST = path.join(ROOT, 'dist');

// Where an example file resolves `fish-audio-api` to this checkout's fresh build and `ws` to
// its devDependency (test/setup/build.ts).
const { examples } = await builtPackage();

const standIns: LiveStandIn[] = [];
afterEach(async () => {
  for (const standIn of standIns.splice(0)) await standIn.close();
});

/** An ESM entry and every chunk it imports, statically or lazily, transitively. */
async function esmFiles(entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(path.join(DIST, file), 'utf8');
    for (const match of code.matchAll(/(?:from |import\()['"]\.\/([^'"]+)['"]/g)) {
      queue.push(match[1]!);
    }
  }
  return [...seen];
}

// What WebSocket code would leave in a bundle: the ws import, the endpoint, a WebSocket built
// or read, and the encoded control events.
const WEBSOCKET_CODE: [string, RegExp][] = [
  // The realtime entry names `ws` in a constant, so that browser bundlers do not follow it.
  ['the ws package named', /(?:from |require\(|import\(|= )['"]ws['"]/],
  ['the live endpoint', /tts\/live/],
  ['a WebSocket constructed or looked up', /new WebSocket|\.WebSocket\b|binaryType/],
  ['a control event', /event: ['"](?:flush|stop|start)['"]/],
];

describe('the built main entry', () => {
  it.each(WEBSOCKET_CODE)(
    'holds no %s, in ESM (with its chunks) or CommonJS',
    async (_what, pattern) => {
      const files = [...(await esmFiles('index.js')), 'index.cjs'];
      expect(files.length).toBeGreaterThan(2);
      for (const file of files) {
        expect(await readFile(path.join(DIST, file), 'utf8'), file).not.toMatch(pattern);
      }
    },
  );

  it('leaves the WebSocket code to the realtime entry, where the same checks do find it', async () => {
    // The ESM entry may keep its code in chunks it shares with the AI SDK entry.
    for (const files of [await esmFiles('realtime.js'), ['realtime.cjs']]) {
      const file = files[0]!;
      const code = (await Promise.all(files.map((f) => readFile(path.join(DIST, f), 'utf8')))).join(
        '\n',
      );
      for (const [what, pattern] of WEBSOCKET_CODE)
        expect(code, `${file}: ${what}`).toMatch(pattern);
    }
  });
});

describe('the built realtime entry', () => {
  it.each([
    [
      'import',
      'mjs',
      [
        "import { FishAudio, AuthenticationError } from 'fish-audio-api';",
        "import { openLiveSession } from 'fish-audio-api/realtime';",
        'const client = new FishAudio({ apiKey: "wrong-key", baseUrl: process.env.BASE_URL });',
        'await openLiveSession(client).catch((e) => console.log(e instanceof AuthenticationError, e.status));',
      ],
    ],
    [
      'require',
      'cjs',
      [
        "const { FishAudio, AuthenticationError } = require('fish-audio-api');",
        "const { openLiveSession } = require('fish-audio-api/realtime');",
        'const client = new FishAudio({ apiKey: "wrong-key", baseUrl: process.env.BASE_URL });',
        'openLiveSession(client).catch((e) => console.log(e instanceof AuthenticationError, e.status));',
      ],
    ],
  ])("loads with %s and throws the main entry's error classes", async (_how, ext, lines) => {
    const live = await startLiveStandIn();
    standIns.push(live);
    const file = path.join(examples, `realtime-${ext}.${ext}`);
    await writeFile(file, lines.join('\n'));
    try {
      const result = await runNode(examples, [file], { BASE_URL: live.url });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('true 401');
    } finally {
      await rm(file, { force: true });
    }
  });
});

describe('README', () => {
  it('has a realtime example that runs as written, against the live stand-in', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Realtime speech'));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const live = await startLiveStandIn({ framesPerText: 2 });
    standIns.push(live);
    // The one change: the client points at the stand-in instead of the real API.
    const runnable = example!.replace(
      'new FishAudio()',
      `new FishAudio({ apiKey: '${live.apiKey}', baseUrl: '${live.url}' })`,
    );
    expect(runnable).not.toBe(example);
    const file = path.join(examples, 'readme-realtime.mjs');
    const cwd = await mkdtemp(path.join(tmpdir(), 'readme-realtime-'));
    await writeFile(file, runnable);
    try {
      const result = await runNode(cwd, [file]);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(String('First sentence. Second sentence.'.length));
      expect(await readFile(path.join(cwd, 'live.mp3'), 'utf8')).toBe('Hello from Fish Audio!');
      expect(live.connections.map((c) => c.headers.model)).toEqual(['s2.1-pro-free', undefined]);
    } finally {
      await rm(file, { force: true });
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
