/**
 * The README never lies: its examples are extracted and run as written, against the built
 * package (imported by its own name, as a user would) and a local server. That its ts examples
 * type-check is tested with the package's other types, in test/package-types.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtPackage } from './helpers/built.js';
import { listenLoopback } from './helpers/loopback.js';
import { ROOT, runNode } from './helpers/project-copy.js';

/** The first ```ts block after `heading` in the README. */
async function exampleAfter(heading: string): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`no ts example after ${heading}`);
  return match[1];
}

// Where an example file resolves `fish-audio-api` to this checkout's fresh build (test/setup/build.ts).
const { examples } = await builtPackage();

describe('README', () => {
  it('has a testing-helper example that runs as written', async () => {
    const example = await exampleAfter('## Testing your code');
    // The example is plain JavaScript apart from its fence; it prints the requests it made.
    const file = path.join(examples, 'readme-testing.mjs');
    await writeFile(file, example);
    try {
      const result = await runNode(examples, [file]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("'GET /wallet/self/api-credit'");
    } finally {
      await rm(file, { force: true });
    }
  });

  it('has a speech example that runs as written, against a local server', async () => {
    const example = await exampleAfter('### Speech');
    const words = `data: ${JSON.stringify({
      audio_base64: Buffer.from('AUDIO').toString('base64'),
      content: 'Hello there',
      alignment: { audio_duration: 1, segments: [{ text: 'Hello', start: 0, end: 0.4 }] },
      chunk_seq: 0,
      chunk_audio_offset_sec: 0,
    })}\n\n`;
    const server = await listenLoopback((req, res) => {
      if (req.url === '/v1/tts') res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('ID3');
      else if (req.url === '/v1/tts/stream/with-timestamp') {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(words);
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ text: 'Hello there', duration: 1, segments: [] }));
      }
    });
    // As written: the client finds the local server and a key in the environment.
    const env = { FISH_BASE_URL: server.url, FISH_API_KEY: 'k' };
    const runnable = example;
    const file = path.join(examples, 'readme-speech.mjs');
    const cwd = await mkdtemp(path.join(tmpdir(), 'readme-speech-'));
    await writeFile(file, runnable);
    try {
      const result = await runNode(cwd, [file], env);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual(['5 1', 'Hello there']);
      expect(await readFile(path.join(cwd, 'hello.mp3'), 'utf8')).toBe('ID3');
    } finally {
      await server.close();
      await rm(file, { force: true });
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('has a voices example that runs as written, against a local server', async () => {
    const example = await exampleAfter('### Voices');
    const wav = Buffer.from('RIFF').toString('base64');
    // Spec-valid voices, so that the default 'warn' mode has nothing to say.
    const voice = (_id: string, title: string) => ({
      _id,
      title,
      type: 'tts',
      state: 'trained',
      tags: [],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      visibility: 'private',
      like_count: 0,
      mark_count: 0,
      shared_count: 0,
      task_count: 0,
      author: { _id: 'u1', nickname: 'me', avatar: '' },
    });
    const answers: Record<string, unknown> = {
      'GET /model': { total: 1, items: [voice('v1', 'Mine')] },
      'POST /model': voice('v9', 'My voice'),
      'POST /v1/voice-design': {
        candidates: [{ id: 'c', index: 0, audio_base64: wav, sample_rate: 1, duration_ms: 1 }],
      },
    };
    const server = await listenLoopback((req, res) => {
      const key = `${req.method} ${new URL(req.url!, 'http://x').pathname}`;
      if (key in answers) {
        const status = req.method === 'POST' && key === 'POST /model' ? 201 : 200;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(answers[key]));
      } else res.writeHead(200).end(); // PATCH and DELETE: an empty 200
    });
    const env = { FISH_BASE_URL: server.url, FISH_API_KEY: 'k' };
    const runnable = example;
    const file = path.join(examples, 'readme-voices.mjs');
    const cwd = await mkdtemp(path.join(tmpdir(), 'readme-voices-'));
    await writeFile(path.join(cwd, 'sample-1.wav'), 'one');
    await writeFile(path.join(cwd, 'sample-2.wav'), 'two');
    await writeFile(file, runnable);
    try {
      const result = await runNode(cwd, [file], env);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual(['1', 'v1 Mine', '4']);
    } finally {
      await server.close();
      await rm(file, { force: true });
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
