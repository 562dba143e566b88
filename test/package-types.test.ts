/**
 * The installed package's types, as a user's TypeScript sees them: every entry resolved under
 * node16, bundler and node10, the README's ts examples type-checked as written, and the one-line
 * messages a misspelled request field gets. All in one file, in-process: the programs share the
 * parsed lib and declarations, which are most of a check's time, and one worker parses them once.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtPackage } from './helpers/built.js';
import { ROOT } from './helpers/project-copy.js';
import { typecheckProbe } from './helpers/typecheck.js';

// Built, packed and installed once per run by test/setup/build.ts.
const { consumer } = await builtPackage();

describe('the installed package', () => {
  /** A user's file: every entry's types, and a client from the main entry handed to the others. */
  const USE = [
    "import { FishAudio, type ApiCredit, RateLimitError } from 'fish-audio-api';",
    "import { startStandIn } from 'fish-audio-api/testing';",
    "import { liveSpeech, type LiveSession } from 'fish-audio-api/realtime';",
    "const client = new FishAudio({ apiKey: 'k' });",
    'export const credit: Promise<ApiCredit> = client.wallet.getApiCredit({ user_id: "self" });',
    'export const amount = (c: ApiCredit): string => c.credit;',
    'export const retry = (e: RateLimitError): number | undefined => e.retryAfter;',
    'export const helper = startStandIn;',
    "export const audio: AsyncIterable<Uint8Array> = liveSpeech(client, ['Hi'], { format: 'mp3' });",
    'export const finished = (s: LiveSession): Promise<void> => s.done;',
    '// @ts-expect-error the parameter is user_id, as the spec names it',
    "export const typo = client.wallet.getApiCredit({ userId: 'self' });",
    '',
  ].join('\n');

  /** The lines of {@link USE} that need only the main entry. */
  const USE_MAIN = USE.split('\n')
    .filter((line) => !/testing|realtime|helper|audio:|finished/.test(line))
    .join('\n');

  it.each([
    // node16 reads the file as ESM (.mts, the "import" types) and as CommonJS (.cts, "require").
    ['node16', { module: 'node16', moduleResolution: 'node16' }, ['use.mts', 'use.cts'], USE],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['use.mts'], USE],
    // node10 (`"module": "commonjs"` alone) knows no `exports`: the README says it resolves the
    // main entry only, and that the other entries need node16 or bundler.
    ['node10', { module: 'commonjs', moduleResolution: 'node10' }, ['use.ts'], USE_MAIN],
  ])('resolves its types under moduleResolution %s', async (name, options, files, source) => {
    const dir = path.join(consumer, `types-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...options, strict: true, noEmit: true, target: 'es2022', types: [] },
        files,
      }),
    );
    for (const file of files) await writeFile(path.join(dir, file), source);
    // In-process: the three settings share the parsed declarations, as tsc -p would not.
    const probe = files.map((file) => path.join(dir, file));
    const result = await typecheckProbe({ probe, project: dir });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('README', () => {
  it.each([
    // What users have: the default lib (DOM included) with @types/node, and a bundler.
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('has ts examples that all type-check under moduleResolution %s', async (name, options) => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(5);
    const dir = await mkdtemp(path.join(tmpdir(), `readme-types-${name}-`));
    try {
      // The package by its own name (this checkout's build), every dependency beside it.
      await mkdir(path.join(dir, 'node_modules'));
      for (const entry of await readdir(path.join(ROOT, 'node_modules'))) {
        if (entry.startsWith('.')) continue;
        await symlink(
          path.join(ROOT, 'node_modules', entry),
          path.join(dir, 'node_modules', entry),
        );
      }
      await symlink(ROOT, path.join(dir, 'node_modules', 'fish-audio-api'), 'dir');
      const files = blocks.map((_, i) => `example-${i}.mts`);
      for (const [i, block] of blocks.entries()) {
        // A fragment (no import of its own) continues the section's client.
        const preamble = block.includes('import ')
          ? ''
          : "import { FishAudio } from 'fish-audio-api';\nconst client = new FishAudio();\n";
        await writeFile(path.join(dir, files[i]!), `${preamble}${block}\nexport {};\n`);
      }
      const compilerOptions = {
        ...options,
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      };
      await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      // In-process, so both settings share the parsed lib and package declarations.
      const probe = files.map((file) => path.join(dir, file));
      const result = await typecheckProbe({ probe, project: dir });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What TypeScript tells a caller who gets a request wrong: the request types have names
 * (`TTSRequest`, …), so a misspelled field reads as one short line that names the type and the
 * field meant, not the whole anonymous request type (483 characters for TTS before).
 */
describe('a misspelled request field', () => {
  it.each([
    ['client.tts.convert', "{ text: 'hi', refrence_id: 'v' }", 'TTSRequest', 'reference_id'],
    ['client.tts.withTimestamps', "{ text: 'hi', fromat: 'mp3' }", 'TTSTimestampRequest', 'format'],
    [
      'client.asr.transcribe',
      '{ audio: new Blob([]), langauge: "en" }',
      'TranscribeRequest',
      'language',
    ],
    ['client.voices.list', '{ page_sise: 10 }', 'VoiceListParams', 'page_size'],
    [
      'client.wallet.getApiCredit',
      '{ check_free_credits: true }',
      'ApiCreditParams',
      'check_free_credit',
    ],
  ])('in %s names %s and the field meant, in one short line', async (method, args, type, meant) => {
    // A user's file in the consumer project, against the installed declarations.
    const dir = path.join(consumer, 'type-messages');
    await mkdir(dir, { recursive: true });
    const compilerOptions = {
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noEmit: true,
      target: 'es2022',
      types: [],
    };
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    const probe = path.join(dir, 'probe.mts');
    const code = [
      "import { FishAudio } from 'fish-audio-api';",
      "const client = new FishAudio({ apiKey: 'k' });",
      `export const call = () => ${method}(${args});`,
      '',
    ].join('\n');
    const result = await typecheckProbe({ probe, files: { [probe]: code }, project: dir });
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`does not exist in type '${type}'`);
    expect(lines[0]).toContain(`Did you mean to write '${meant}'?`);
    expect(lines[0]!.length).toBeLessThan(250);
  });
});
