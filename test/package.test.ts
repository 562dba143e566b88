/**
 * The published package, as a user gets it: `npm pack`, then an offline install of the tarball
 * into a fresh project, where `import`, `require`, the types (node16 and bundler resolution),
 * the testing helper and the `fish-audio-api` bin must all work against a local server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';
import { runProcess } from '../scripts/lib/process.js';
import { attwVerdict, builtPackage } from './helpers/built.js';
import { ROOT, runNode } from './helpers/project-copy.js';
import { apiCreditBody, startServer, type TestServer } from './helpers/server.js';

// Built, packed and installed once per run by test/setup/build.ts.
const { consumer, tarball, files } = await builtPackage();

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  server.reply(200, apiCreditBody({ credit: '7.5000' }));
});

afterAll(async () => {
  await server?.close();
});

const env = () => ({ FISH_API_KEY: 'sk-consumer', BASE_URL: server.url });

/**
 * The packages a built entry imports up front and those it imports only when needed: local
 * chunks are followed, and everything a lazily imported chunk reaches counts as lazy.
 */
async function packageImports(entry: string) {
  const upFront = new Set<string>();
  const whenNeeded = new Set<string>();
  const seen = new Set<string>();
  const queue: Array<[string, boolean]> = [[entry, false]];
  while (queue.length > 0) {
    const [file, lazy] = queue.shift()!;
    if (seen.has(`${file}:${lazy}`)) continue;
    seen.add(`${file}:${lazy}`);
    const code = await readFile(path.join(ROOT, 'dist', file), 'utf8');
    const dynamic = /(?:import\(|then\(\(\) => __toESM\(require\()['"]([^'"]+)['"]/g;
    const dynamicOnes = new Set([...code.matchAll(dynamic)].map((m) => m[1]!));
    for (const [, specifier] of code.matchAll(/(?:from |require\(|import\()['"]([^'"]+)['"]/g)) {
      const isLazy = lazy || dynamicOnes.has(specifier!);
      if (specifier!.startsWith('./')) queue.push([specifier!.slice(2), isLazy]);
      else (isLazy ? whenNeeded : upFront).add(specifier!);
    }
  }
  return { upFront: [...upFront].sort(), whenNeeded: [...whenNeeded].sort() };
}

describe('the packed package', () => {
  it('passes publint --strict: its exports, files and fields agree', async () => {
    // In-process, on the tarball the other tests install: the command would pack it again.
    const packed = await readFile(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.length) },
      strict: true,
    });
    // What fails `publint --strict`: an error, with every warning counted as one.
    const errors = messages.filter((message) => message.type === 'error');
    expect(errors.map((message) => formatMessage(message, pkg))).toEqual([]);
  });

  it('has types that resolve for import and require (attw, node16 profile)', async () => {
    // Run on this run's tarball by test/setup/build.ts, in the background once it was packed.
    const result = await attwVerdict();
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('the installed package', () => {
  it('ships only dist, README, LICENSE and package.json', async () => {
    expect(files.every((f) => /^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toBe(true);
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/cli.js');
  });

  it('has three runtime dependencies: openapi-fetch, and msgpack and the SSE parser', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@msgpack/msgpack',
      'eventsource-parser',
      'openapi-fetch',
    ]);
  });

  it('imports only openapi-fetch up front, and msgpack and the SSE parser only when needed', async () => {
    for (const file of ['index.js', 'index.cjs']) {
      const { upFront, whenNeeded } = await packageImports(file);
      expect(upFront, file).toEqual(['openapi-fetch']);
      expect(whenNeeded, file).toEqual(['@msgpack/msgpack', 'eventsource-parser']);
    }
  });

  it('works with import', async () => {
    const script = [
      "import { FishAudio, AuthenticationError } from 'fish-audio-api';",
      'const client = new FishAudio({ baseUrl: process.env.BASE_URL });',
      'const credit = await client.wallet.getApiCredit();',
      'console.log(credit.credit, typeof AuthenticationError);',
    ].join('\n');
    await writeFile(path.join(consumer, 'esm.mjs'), script);
    const result = await runNode(consumer, ['esm.mjs'], env());
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('7.5000 function');
  });

  it('works with require', async () => {
    const script = [
      "const { FishAudio, FishAudioError } = require('fish-audio-api');",
      'const client = new FishAudio({ baseUrl: process.env.BASE_URL });',
      'client.wallet.getApiCredit().then((credit) => console.log(credit.credit, typeof FishAudioError));',
    ].join('\n');
    await writeFile(path.join(consumer, 'cjs.cjs'), script);
    const result = await runNode(consumer, ['cjs.cjs'], env());
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('7.5000 function');
  });

  it('loads the testing helper with import and with require', async () => {
    await writeFile(
      path.join(consumer, 'testing.mjs'),
      "import { startStandIn } from 'fish-audio-api/testing'; console.log(typeof startStandIn);",
    );
    await writeFile(
      path.join(consumer, 'testing.cjs'),
      "console.log(typeof require('fish-audio-api/testing').startStandIn);",
    );
    expect((await runNode(consumer, ['testing.mjs'])).stdout.trim()).toBe('function');
    expect((await runNode(consumer, ['testing.cjs'])).stdout.trim()).toBe('function');
  });

  it('serves HTTP without ws, and says to install ws when a live stand-in is asked for', async () => {
    // ws is not installed in the consumer: the HTTP stand-in must work, its live side be absent,
    // and startLiveStandIn fail with the main entry's FishAudioError naming the fix.
    const script = [
      "import { FishAudio, FishAudioError } from 'fish-audio-api';",
      "import { startLiveStandIn, startStandIn } from 'fish-audio-api/testing';",
      'const api = await startStandIn();',
      'const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });',
      'const { credit } = await client.wallet.getApiCredit();',
      'await api.close();',
      'const error = await startLiveStandIn().catch((e) => e);',
      "console.log(credit, api.live, error instanceof FishAudioError, error.message.includes('npm install --save-dev ws'));",
    ].join('\n');
    await writeFile(path.join(consumer, 'testing-no-ws.mjs'), script);
    const result = await runNode(consumer, ['testing-no-ws.mjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('100.0000 undefined true true');
  });

  it('loads the realtime entry with import and with require, and asks for ws when a session opens', async () => {
    // ws is an optional peer: not installed here, so opening a session must say to install it.
    const open =
      "openLiveSession(new FishAudio({ apiKey: 'k' })).catch((e) => console.log(e instanceof FishAudioError, e.message.includes('npm install ws')));";
    await writeFile(
      path.join(consumer, 'realtime.mjs'),
      `import { FishAudio, FishAudioError } from 'fish-audio-api'; import { openLiveSession } from 'fish-audio-api/realtime'; ${open}`,
    );
    await writeFile(
      path.join(consumer, 'realtime.cjs'),
      `const { FishAudio, FishAudioError } = require('fish-audio-api'); const { openLiveSession } = require('fish-audio-api/realtime'); ${open}`,
    );
    for (const file of ['realtime.mjs', 'realtime.cjs']) {
      const result = await runNode(consumer, [file]);
      expect(result.stderr, file).toBe('');
      expect(result.stdout.trim(), file).toBe('true true');
    }
  });

  it('names its one command after the package, so `npx fish-audio-api` runs this package', async () => {
    // `fish-audio` is the npm name of Fish Audio's official SDK: npx would run someone else's code.
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ [pkg.name]: './dist/cli.js' });
  });

  it('installs the fish-audio-api command', async () => {
    const command = path.join(consumer, 'node_modules', '.bin', 'fish-audio-api');
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    const version = await runProcess(command, ['--version'], { cwd: consumer, timeout: 30_000 });
    expect(version.stdout.trim()).toBe(pkg.version);
    const credit = await runProcess(command, ['credit', '--json', '--base-url', server.url], {
      cwd: consumer,
      env: { ...process.env, FISH_API_KEY: 'sk-consumer' },
      timeout: 30_000,
    });
    expect(credit.code, credit.stderr).toBe(0);
    expect(JSON.parse(credit.stdout)).toEqual(apiCreditBody({ credit: '7.5000' }));
  });

  it('gives errors a brand check that holds between the import and require copies', async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "import * as esm from 'fish-audio-api';",
      "const cjs = createRequire(import.meta.url)('fish-audio-api');",
      "const client = new cjs.FishAudio({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0, fetch: () => Promise.resolve(new Response('no', { status: 401 })) });",
      'const error = await client.wallet.getApiCredit().catch((e) => e);',
      'console.log(JSON.stringify([cjs.FishAudio !== esm.FishAudio, error instanceof esm.AuthenticationError, esm.AuthenticationError.is(error), esm.APIError.is(error), esm.RateLimitError.is(error)]));',
    ].join('\n');
    await writeFile(path.join(consumer, 'brand.mjs'), script);
    const result = await runNode(consumer, ['brand.mjs']);
    expect(result.stderr).toBe('');
    // Two copies; instanceof fails across them, the brand check does not.
    expect(JSON.parse(result.stdout)).toEqual([true, false, true, true, false]);
  });

  it.each([
    ['fish-audio-api', 'index'],
    ['fish-audio-api/testing', 'testing/index'],
  ])(
    'exports from %s at run time exactly the values its declarations export',
    async (specifier, base) => {
      const installed = path.join(consumer, 'node_modules', 'fish-audio-api', 'dist');
      const script = [
        `const esm = Object.keys(await import(${JSON.stringify(specifier)})).sort();`,
        "const { createRequire } = await import('node:module');",
        `const cjs = Object.keys(createRequire(import.meta.url)(${JSON.stringify(specifier)})).sort();`,
        'console.log(JSON.stringify({ esm, cjs }));',
      ].join('\n');
      const file = `exports-${base.replace('/', '-')}.mjs`;
      await writeFile(path.join(consumer, file), script);
      const runtime = JSON.parse((await runNode(consumer, [file])).stdout);
      for (const [format, dts] of [
        ['esm', `${base}.d.ts`],
        ['cjs', `${base}.d.cts`],
      ] as const) {
        expect(runtime[format], `${format} vs ${dts}`).toEqual(
          declaredValues(path.join(installed, dts)),
        );
      }
    },
  );

  it('is installed under the file name the README gives for the tarball', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('## Install'));
    const block = /```sh\n([\s\S]*?)```/.exec(install)![1]!;
    expect(block).toContain('npm pack');
    expect(block).toContain(`npm install ../fish-audio-api/${path.basename(tarball)}`);
    const installed = JSON.parse(
      await readFile(path.join(consumer, 'node_modules', 'fish-audio-api', 'package.json'), 'utf8'),
    );
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(installed.version).toBe(pkg.version);
  });
});

/** The names a declaration file exports as values (classes, functions, constants), sorted. */
function declaredValues(file: string): string[] {
  // No lib: what a module exports needs none of it, and parsing the DOM's took most of the time.
  const program = ts.createProgram([file], { noEmit: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(module)
    .filter((symbol) => {
      // `export { type X }` exports no value, whatever X is.
      if (symbol.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false;
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}
