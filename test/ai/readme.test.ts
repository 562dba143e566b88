/**
 * The README's AI SDK examples, run as written under this Node (22 or newer) with the real `ai`
 * package, against the stand-in. `fish-audio-api/ai` resolves to this checkout's source through
 * a tsconfig `paths` entry that tsx follows, so the example needs no build.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLiveStandIn, startStandIn } from '../../src/testing/index.js';
import { ROOT, runNode } from '../helpers/project-copy.js';

const api = await startStandIn();
afterAll(() => api.close());

/** The first ```ts block after `heading` in the README. */
async function exampleAfter(heading: string): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error(`no ts example after ${heading}`);
  return match[1];
}

/** A folder where `fish-audio-api/...` is this checkout's source and `ai` its devDependency. */
async function exampleFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'readme-ai-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const src = (file: string) => [path.join(ROOT, 'src', file)];
  const paths = {
    'fish-audio-api': src('index.ts'),
    'fish-audio-api/ai': src('ai/index.ts'),
    'fish-audio-api/testing': src('testing/index.ts'),
  };
  const compilerOptions = { module: 'NodeNext', moduleResolution: 'NodeNext', paths };
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
  // An ES module, as an app on `ai` 7 is: the example awaits at its top level.
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return dir;
}

describe('README', () => {
  it('has an AI SDK example that runs as written, against the stand-in', async () => {
    const example = await exampleAfter('### AI SDK');
    // The one change: the provider points at the stand-in instead of the real API.
    const runnable = example.replace(
      'createFishAudio()',
      `createFishAudio({ apiKey: '${api.apiKey}', baseUrl: '${api.url}' })`,
    );
    expect(runnable).not.toBe(example);
    const dir = await exampleFolder();
    try {
      await writeFile(path.join(dir, 'example.ts'), runnable);
      const result = await runNode(dir, ['--import', 'tsx', 'example.ts'], {
        AI_SDK_LOG_WARNINGS: 'false',
      });
      expect(result.stderr).toBe('');
      const mp3 = await readFile(path.join(dir, 'hello.mp3'));
      expect(mp3.toString('latin1')).toMatch(/^ID3[\s\S]*0:Hello from Fish Audio!;/);
      const seconds = Math.round((mp3.byteLength / 32_000) * 1000) / 1000;
      expect(result.stdout.trim().split('\n')).toEqual([
        'audio/mpeg 0',
        `Stand-in transcript of ${mp3.byteLength} bytes of audio 1 ${seconds}`,
      ]);
      const [speech, asr] = api.requests;
      expect(speech?.headers.model).toBe('s2.1-pro-free');
      expect(speech?.body).toMatchObject({ reference_id: 'your-voice-id', latency: 'balanced' });
      expect(asr?.path).toBe('/v1/asr');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('has a streaming speech example that runs as written, against the live stand-in', async () => {
    // Buffers text until a flush or stop, as the real server does, so the flushes show.
    const live = await startLiveStandIn({ bufferUntilFlush: true });
    const example = await exampleAfter('**Streaming speech**');
    const deltas = ['Once a fish', ' sang.', ' The sea', ' listened.'];
    // The two changes: the provider points at the stand-in, and the SDK's own mock model
    // writes the text instead of a model behind the AI Gateway.
    const runnable = example
      .replace(
        'createFishAudio()',
        `createFishAudio({ apiKey: '${live.apiKey}', baseUrl: '${live.url}' })`,
      )
      .replace("model: 'openai/gpt-5-mini'", 'model: llm');
    expect(runnable).toContain('baseUrl');
    expect(runnable).toContain('model: llm,');
    const llm = `import { MockLanguageModelV4, simulateReadableStream } from 'ai/test';
const llm = new MockLanguageModelV4({
  doStream: async () => ({
    stream: simulateReadableStream({
      chunks: [
        { type: 'text-start', id: 't' },
        ...${JSON.stringify(deltas)}.map((delta) => ({ type: 'text-delta', id: 't', delta })),
        { type: 'text-end', id: 't' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: {}, outputTokens: {} } },
      ],
    }),
  }),
});
`;
    const dir = await exampleFolder();
    try {
      await writeFile(path.join(dir, 'example.ts'), llm + runnable);
      const result = await runNode(dir, ['--import', 'tsx', 'example.ts'], {
        AI_SDK_LOG_WARNINGS: 'false',
      });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('{ inputCharacters: 35 }');
      const mp3 = await readFile(path.join(dir, 'story.mp3'), 'utf8');
      expect(mp3).toBe(deltas.join(''));
      const [connection] = live.connections;
      expect(connection?.headers.model).toBe('s2.1-pro-free');
      expect(connection?.events.map((e) => e.event)).toEqual([
        'start',
        'text',
        'text',
        'flush',
        'text',
        'text',
        'flush',
        'stop',
      ]);
      expect(connection?.events[0]).toEqual({
        event: 'start',
        request: { text: '', reference_id: 'your-voice-id', format: 'mp3' },
      });
    } finally {
      await Promise.all([rm(dir, { recursive: true, force: true }), live.close()]);
    }
  });
});
