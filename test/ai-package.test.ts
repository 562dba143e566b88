/**
 * The AI SDK entry as built: the main, realtime and testing bundles hold no AI SDK code, the
 * entry loads with `import` and `require` and shares the main entry's error classes, and
 * without its optional peer `@ai-sdk/provider` only this entry fails to load.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtPackage } from './helpers/built.js';
import { listenLoopback } from './helpers/loopback.js';
import { ROOT, runNode } from './helpers/project-copy.js';

const DIST = path.join(ROOT, 'dist');
// `consumer` has the packed tarball without optional peers; `examples` resolves
// `fish-audio-api` to this checkout's dist/ and `@ai-sdk/provider` to its devDependency.
const { consumer, examples } = await builtPackage();

// A 402 for every request, as the API answers a key without API credit.
const server = await listenLoopback((_req, res) => {
  res
    .writeHead(402, { 'content-type': 'application/json' })
    .end(JSON.stringify({ status: 402, message: 'No credit' }));
});
afterAll(() => server.close());

/** `entry` and every chunk it imports, statically or lazily, transitively. */
async function withChunks(entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(path.join(DIST, file), 'utf8');
    const dir = path.dirname(file);
    for (const match of code.matchAll(/(?:from |import\()['"](\.\.?\/[^'"]+)['"]/g)) {
      queue.push(path.join(dir, match[1]!));
    }
  }
  return [...seen];
}

// What AI SDK code would leave in a bundle.
const AI_SDK_CODE: [string, RegExp][] = [
  ['an import of @ai-sdk/provider', /(?:from |require\(|import\()['"]@ai-sdk\/provider['"]/],
  ["the AI SDK's error classes", /\b(?:APICallError|InvalidArgumentError|NoSuchModelError)\b/],
  ['a model of the v4 specification', /specificationVersion/],
];

describe('the built main, realtime and testing entries', () => {
  it.each(AI_SDK_CODE)('hold no %s, in ESM (with chunks) or CommonJS', async (_what, pattern) => {
    const files = [
      ...(await withChunks('index.js')),
      ...(await withChunks('realtime.js')),
      ...(await withChunks('testing/index.js')),
      'index.cjs',
      'realtime.cjs',
      'testing/index.cjs',
    ];
    expect(files.length).toBeGreaterThan(6);
    for (const file of files) {
      expect(await readFile(path.join(DIST, file), 'utf8'), file).not.toMatch(pattern);
    }
  });

  it('leave the AI SDK code to the ai entry, where the same checks do find it', async () => {
    for (const file of ['ai.js', 'ai.cjs']) {
      const code = await readFile(path.join(DIST, file), 'utf8');
      for (const [what, pattern] of AI_SDK_CODE) expect(code, `${file}: ${what}`).toMatch(pattern);
    }
  });
});

describe('the built ai entry', () => {
  it.each([
    [
      'import',
      'mjs',
      [
        "import { PaymentRequiredError } from 'fish-audio-api';",
        "import { createFishAudio } from 'fish-audio-api/ai';",
      ],
    ],
    [
      'require',
      'cjs',
      [
        "const { PaymentRequiredError } = require('fish-audio-api');",
        "const { createFishAudio } = require('fish-audio-api/ai');",
      ],
    ],
  ])("loads with %s and wraps the main entry's error classes", async (_how, ext, lines) => {
    const file = path.join(examples, `ai-entry-${ext}.${ext}`);
    const call = [
      "const fish = createFishAudio({ apiKey: 'k', baseUrl: process.env.BASE_URL });",
      "fish.speech('s1').doGenerate({ text: 'Hi' }).catch((e) =>",
      "  console.log(e.name === 'AI_APICallError', e.statusCode, e.cause instanceof PaymentRequiredError));",
    ];
    await writeFile(file, [...lines, ...call].join('\n'));
    try {
      const result = await runNode(examples, [file], { BASE_URL: server.url });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('true 402 true');
    } finally {
      await rm(file, { force: true });
    }
  });

  it('fails to load without @ai-sdk/provider, naming it, while the main entry loads', async () => {
    await writeFile(
      path.join(consumer, 'ai-entry.mjs'),
      "import('fish-audio-api').then(() => import('fish-audio-api/ai')).catch((e) => console.log(e.code, e.message.includes('@ai-sdk/provider')));",
    );
    const result = await runNode(consumer, ['ai-entry.mjs']);
    expect(result.stdout.trim()).toBe('ERR_MODULE_NOT_FOUND true');
  });
});
