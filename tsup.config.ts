import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: two module formats, each with its own declarations, so that `import` and
  // `require` both work and TypeScript resolves types under node16 and bundler resolution.
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'es2022',
    // Nothing Node-specific in the library: it runs in browsers, Deno and Bun too.
    // (The testing helper imports node:http; it is only for Node-side tests.)
    platform: 'neutral',
    external: ['openapi-fetch', /^node:/],
    splitting: false,
    treeshake: true,
  },
  // The `fish-audio-api` command: Node only, ESM, run through the package's `bin`.
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    external: ['openapi-fetch'],
    splitting: false,
    treeshake: true,
  },
]);
