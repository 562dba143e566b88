/**
 * The stand-in against Fish Audio's own published examples: the 16 JavaScript examples of the
 * docs' SDK guide and feature pages (test/fixtures/docs-examples/, copied byte for byte from
 * fishaudio/docs by scripts/docs-examples.ts) run unchanged in a Node process whose `fetch`
 * sends `https://api.fish.audio` to `startStandIn()` (test/helpers/docs-runner.mjs). Each must
 * finish, make the requests its page describes, and write or print what a user would see.
 */
import { lstat, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../scripts/lib/process.js';
import { startStandIn, type StandIn } from '../src/testing/index.js';
import { ROOT } from './helpers/project-copy.js';

const EXAMPLES = path.join(ROOT, 'test', 'fixtures', 'docs-examples');
const RUNNER = path.join(ROOT, 'test', 'helpers', 'docs-runner.mjs');

interface Result {
  example: string;
  ok: boolean;
  error?: string;
  logged: string[];
}

let api: StandIn;
let work: string;
let results: Result[];

/** One second of 16 kHz, 16-bit mono silence: the `reference.wav` and `speech.wav` they read. */
function silence(): Buffer {
  const rate = 16_000;
  const data = rate * 2;
  const wav = Buffer.alloc(44 + data);
  wav.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  wav.writeUInt32LE(36 + data, 4);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(data, 40);
  return wav;
}

beforeAll(async () => {
  api = await startStandIn();
  work = await mkdtemp(path.join(tmpdir(), 'docs-examples-'));
  // The examples import `fish-audio`, resolved from their folder upwards.
  await symlink(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  for (const input of ['reference.wav', 'speech.wav']) {
    await writeFile(path.join(work, input), silence());
  }
  // The quickstart plays its audio with `ffplay`: this one keeps what it was given.
  await writeFile(path.join(work, 'ffplay'), '#!/bin/sh\ncat > played.bin\n', { mode: 0o755 });
  const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.mjs')).sort();
  const result = await runProcess(
    process.execPath,
    [RUNNER, api.url, work, ...files.map((f) => path.join(EXAMPLES, f))],
    {
      cwd: work,
      env: {
        ...process.env,
        FISH_API_KEY: api.apiKey,
        PATH: `${work}${path.delimiter}${process.env.PATH ?? ''}`,
      },
      timeout: 60_000,
    },
  );
  expect(result.code, result.stderr).toBe(0);
  results = JSON.parse(result.stdout) as Result[];
}, 90_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  // Rejects if any answer failed the stand-in's own check against the spec.
  await api.close();
});

/** What the example `name` wrote to `file` in its folder. */
const output = (name: string, file: string) => readFile(path.join(work, name, file));
/** `METHOD /path` of each request the example `name` made, in order. */
const requestsOf = (name: string) =>
  api.requests
    .filter((r) => r.headers['x-docs-example'] === name)
    .map((r) => `${r.method} ${r.path}`);

const MP3 = 'ID3';
const WAV = 'RIFF';

describe("Fish Audio's published JavaScript examples, unchanged, against the stand-in", () => {
  it('are all here: the 16 of the manifest, each from a page of the docs', async () => {
    const manifest = JSON.parse(await readFile(path.join(EXAMPLES, 'manifest.json'), 'utf8')) as {
      examples: { file: string; page: string }[];
    };
    expect(manifest.examples).toHaveLength(16);
    expect(results.map((r) => `${r.example}.mjs`)).toEqual(
      manifest.examples.map((e) => e.file).sort(),
    );
  });

  it.each([
    // example, requests made, a file it writes and how that file starts, what it prints
    ['quickstart', ['POST /v1/tts'], ['played.bin', MP3], []],
    [
      'cookbook-batch-transcribe-with-language-hint',
      ['POST /v1/asr'],
      undefined,
      ['speech.wav (1.0s): Stand-in transcript of 32044 bytes of audio'],
    ],
    ['cookbook-clone-and-wait-until-ready', ['POST /model', 'POST /v1/tts'], ['out.mp3', MP3], []],
    [
      'cookbook-discover-library-voice',
      ['GET /model', 'POST /v1/tts'],
      ['out.mp3', MP3],
      [/^\d+ public voices match$/],
    ],
    ['cookbook-instant-voice-cloning', ['POST /v1/tts'], ['cloned.mp3', MP3], []],
    ['cookbook-oneshot-vs-persistent-cloning', ['POST /v1/tts'], ['oneshot.mp3', MP3], []],
    ['cookbook-streaming-to-file', ['POST /v1/tts'], ['output.mp3', MP3], []],
    ['cookbook-telephony-8khz-audio', ['POST /v1/tts'], ['out.wav', WAV], []],
    [
      'cookbook-transcribe-to-captions',
      ['POST /v1/asr'],
      ['captions.srt', '1\n00:00:00,000 --> 00:00:'],
      [/^Wrote [1-9]\d* cues to captions\.srt$/],
    ],
    [
      'cookbook-voice-agent-loop',
      ['POST /v1/asr', 'POST /v1/tts'],
      ['reply.mp3', MP3],
      ['Agent: You said: Stand-in transcript of 32044 bytes of audio. How can I help?'],
    ],
    ['features-manage-voices', ['GET /model'], undefined, [/^\d+ voices$/]],
    ['features-realtime-streaming', ['POST /v1/tts'], ['out.mp3', MP3], []],
    [
      'features-speech-to-text',
      ['POST /v1/asr'],
      undefined,
      ['Stand-in transcript of 32044 bytes of audio'],
    ],
    ['features-text-to-speech', ['POST /v1/tts'], ['hello.mp3', MP3], []],
    ['features-voice-cloning', ['POST /model'], undefined, [/^\S+ trained$/]],
    ['features-voice-design', ['POST /v1/voice-design'], ['voice.wav', WAV], [/^\d+ \d+$/]],
  ] as const)('%s runs to its end and makes %j', async (name, requests, file, printed) => {
    const result = results.find((r) => r.example === name);
    expect(result).toMatchObject({ ok: true });
    expect(requestsOf(name)).toEqual(requests);
    if (file) {
      const [written, start] = file;
      expect((await output(name, written)).subarray(0, start.length).toString('latin1')).toBe(
        start,
      );
    }
    const lines = result!.logged.slice(0, printed.length);
    expect(lines).toEqual(
      printed.map((p) => (typeof p === 'string' ? p : expect.stringMatching(p))),
    );
  });

  it('gets telephony audio at the 8 kHz it asked for', async () => {
    const wav = await output('cookbook-telephony-8khz-audio', 'out.wav');
    expect(wav.readUInt32LE(24)).toBe(8000);
  });

  it('prints, for the designed voice, the sample rate and duration its WAV declares', async () => {
    const wav = await output('features-voice-design', 'voice.wav');
    const [rate, ms] = results
      .find((r) => r.example === 'features-voice-design')!
      .logged[0]!.split(' ')
      .map(Number);
    expect(wav.readUInt32LE(24)).toBe(rate);
    const dataBytes = wav.readUInt32LE(40);
    expect(Math.round((dataBytes / 2 / rate!) * 1000)).toBe(ms);
  });

  it('lists every voice the manage-voices page prints with its id, title, state and visibility', () => {
    const [count, ...voices] = results.find((r) => r.example === 'features-manage-voices')!.logged;
    expect(voices.length).toBe(Math.min(20, Number(count!.split(' ')[0])));
    for (const line of voices) expect(line).toMatch(/^\S+ .+ trained (public|private|unlist)$/);
  });

  it('leaves nothing but each example’s own folder in the work folder', async () => {
    const names = (await readdir(work)).filter(
      (n) => !['node_modules', 'reference.wav', 'speech.wav', 'ffplay'].includes(n),
    );
    expect(names.sort()).toEqual(results.map((r) => r.example).sort());
    expect((await lstat(path.join(work, 'node_modules'))).isSymbolicLink()).toBe(true);
  });
});
