import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { LIBRARY_ENTRIES, SEPARATE_ENTRIES } from './scripts/lib/entries.js';

// The library: two module formats, so that `import` and `require` both work. The declarations
// are written after tsup, once for both formats, by scripts/declarations.ts (in less than half
// the time of tsup's `dts` option), so that TypeScript resolves types under node16 and bundler
// resolution and every entry shares them.
const library: Options = {
  entry: LIBRARY_ENTRIES,
  dts: false,
  target: 'es2022',
  // Nothing Node-specific in the library: it runs in browsers, Deno and Bun too.
  // (The testing helper imports node:http; it is only for Node-side tests.)
  platform: 'neutral',
  // Runtime dependencies stay imports; msgpack and the SSE parser are imported lazily.
  // `ws` is an optional peer of the realtime entry, imported only when a live session opens.
  // `@ai-sdk/provider` is an optional peer of the AI SDK entry, and never bundled.
  external: [
    'openapi-fetch',
    '@msgpack/msgpack',
    'eventsource-parser',
    'ws',
    '@ai-sdk/provider',
    /^node:/,
  ],
  treeshake: true,
};

// The realtime and AI SDK entries stay out of the main one, so that importing `fish-audio-api`
// loads no WebSocket or AI SDK code. In ESM they share the main entry's chunks, and the AI SDK
// entry imports what it takes of the main entry's surface (the client, the error classes) from
// `./index.js` itself, which would otherwise move the whole client out of index.js into a chunk.
// In CommonJS (one file per entry) each requires `./index.cjs` for the error classes and, for
// the AI SDK entry, the client, so `instanceof` works across entries and nothing is bundled twice.
const entries = SEPARATE_ENTRIES;
const indexModule = path.resolve('src/index.ts');
const errorsModule = path.resolve('src/errors.ts');
// The helper functions of errors.ts (isServerError, …), which shared modules such as
// src/http/retry.ts import but the main entry does not export: those are bundled instead.
const errorHelpers = [...readFileSync(errorsModule, 'utf8').matchAll(/^export function (\w+)/gm)]
  .map((match) => match[1])
  .join(', ');
const importMain: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'import-main',
  setup(build) {
    build.onResolve({ filter: /index\.js$/ }, (args) =>
      path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === indexModule
        ? { path: './index.js', external: true }
        : undefined,
    );
  },
};
const shareMain: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'share-main',
  setup(build) {
    build.onResolve({ filter: /(errors|index)\.js$/ }, (args) => {
      if (args.namespace === 'main-errors') return undefined;
      const target = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (target === indexModule) return { path: './index.cjs', external: true };
      if (target === errorsModule) return { path: errorsModule, namespace: 'main-errors' };
      return undefined;
    });
    build.onResolve({ filter: /^\.\/index\.cjs$/, namespace: 'main-errors' }, () => ({
      path: './index.cjs',
      external: true,
    }));
    // A named export wins over `export *`, so a helper the main entry also exports is not ambiguous.
    build.onLoad({ filter: /.*/, namespace: 'main-errors' }, () => ({
      contents: `export * from './index.cjs';\nexport { ${errorHelpers} } from ${JSON.stringify(errorsModule)};`,
      resolveDir: path.dirname(errorsModule),
      loader: 'ts',
    }));
  },
};

export default defineConfig([
  // ESM is split: each resource's validators become a chunk loaded on first use, so an app's
  // bundler ships only the validators of the resources it calls.
  {
    ...library,
    entry: { ...library.entry, ...entries },
    format: ['esm'],
    splitting: true,
    esbuildPlugins: [importMain],
  },
  { ...library, format: ['cjs'], splitting: false },
  { ...library, entry: entries, format: ['cjs'], esbuildPlugins: [shareMain] },
  // The `fish-audio-api` command: Node only, ESM, run through the package's `bin`.
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    // ws is an optional peer, loaded only by `tts --live`: never bundled into the command.
    external: ['openapi-fetch', '@msgpack/msgpack', 'eventsource-parser', 'ws'],
    splitting: false,
    treeshake: true,
  },
]);
