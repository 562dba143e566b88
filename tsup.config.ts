import { defineConfig, type Options } from 'tsup';

// The library: two module formats, each with its own declarations, so that `import` and
// `require` both work and TypeScript resolves types under node16 and bundler resolution.
const library: Options = {
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  dts: true,
  target: 'es2022',
  // Nothing Node-specific in the library: it runs in browsers, Deno and Bun too.
  // (The testing helper imports node:http; it is only for Node-side tests.)
  platform: 'neutral',
  // Runtime dependencies stay imports; msgpack and the SSE parser are imported lazily.
  external: ['openapi-fetch', '@msgpack/msgpack', 'eventsource-parser', /^node:/],
  treeshake: true,
};

export default defineConfig([
  // ESM is split: each resource's validators become a chunk loaded on first use, so an app's
  // bundler ships only the validators of the resources it calls.
  { ...library, format: ['esm'], splitting: true },
  { ...library, format: ['cjs'], splitting: false },
  // The `fish-audio-api` command: Node only, ESM, run through the package's `bin`.
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    external: ['openapi-fetch', '@msgpack/msgpack', 'eventsource-parser'],
    splitting: false,
    treeshake: true,
  },
]);
