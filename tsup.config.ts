import path from 'node:path';
import { defineConfig, type Options } from 'tsup';

// The library: two module formats, so that `import` and `require` both work. Declarations are
// written once, by the ESM build; scripts/declarations.ts gives each a CommonJS twin, so that
// TypeScript resolves types under node16 and bundler resolution and every entry shares them.
const library: Options = {
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  dts: false,
  target: 'es2022',
  // Nothing Node-specific in the library: it runs in browsers, Deno and Bun too.
  // (The testing helper imports node:http; it is only for Node-side tests.)
  platform: 'neutral',
  // Runtime dependencies stay imports; msgpack and the SSE parser are imported lazily.
  // `ws` is an optional peer of the realtime entry, imported only when a live session opens.
  external: ['openapi-fetch', '@msgpack/msgpack', 'eventsource-parser', 'ws', /^node:/],
  treeshake: true,
};

// The realtime entry stays out of the main one, so that importing `fish-audio-api` loads no
// WebSocket code. In ESM it shares the main entry's chunks; in CommonJS (one file per entry) it
// requires `./index.cjs` for the error classes, so `instanceof` works across both entries.
const realtime = { realtime: 'src/realtime/index.ts' };
const errorsModule = path.resolve('src/errors.ts');
const shareErrors: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'share-errors',
  setup(build) {
    build.onResolve({ filter: /errors\.js$/ }, (args) =>
      path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === errorsModule
        ? { path: './index.cjs', external: true }
        : undefined,
    );
  },
};

export default defineConfig([
  // ESM is split: each resource's validators become a chunk loaded on first use, so an app's
  // bundler ships only the validators of the resources it calls.
  {
    ...library,
    entry: { ...library.entry, ...realtime },
    format: ['esm'],
    splitting: true,
    dts: true,
  },
  { ...library, format: ['cjs'], splitting: false },
  { ...library, entry: realtime, format: ['cjs'], esbuildPlugins: [shareErrors] },
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
