/**
 * The README never lies: its examples are extracted and run as written, against the built
 * package (imported by its own name, as a user would) and a local server.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode } from './helpers/project-copy.js';

/** The first ```ts block after `heading` in the README. */
async function exampleAfter(heading: string): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`no ts example after ${heading}`);
  return match[1];
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'testing', 'index.js'))) {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
  }
}, 120_000);

describe('README', () => {
  it('has a testing-helper example that runs as written', async () => {
    const example = await exampleAfter('## Testing your code');
    // The example is plain JavaScript apart from its fence; it prints the requests it made.
    const file = path.join(ROOT, `readme-example-${process.pid}.mjs`);
    await writeFile(file, example);
    try {
      const result = await runNode(ROOT, [file]);
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
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/v1/tts') res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('ID3');
        else if (req.url === '/v1/tts/stream/with-timestamp') {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).end(words);
        } else {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ text: 'Hello there', duration: 1, segments: [] }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The one change: the client points at the local server instead of the real API.
    const runnable = example.replace(
      'new FishAudio()',
      `new FishAudio({ apiKey: 'k', baseUrl: '${url}' })`,
    );
    expect(runnable).not.toBe(example);
    const file = path.join(ROOT, `readme-example-${process.pid}-speech.mjs`);
    const cwd = await mkdtemp(path.join(tmpdir(), 'readme-speech-'));
    await writeFile(file, runnable);
    try {
      const result = await runNode(cwd, [file]);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual(['5 1', 'Hello there']);
      expect(await readFile(path.join(cwd, 'hello.mp3'), 'utf8')).toBe('ID3');
    } finally {
      server.close();
      await rm(file, { force: true });
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
