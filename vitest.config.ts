import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Four projects, so a developer runs only what an edit touches (`npx vitest run --project
 * library` takes seconds): the library and its stand-in; the command, called in-process; the
 * maintainer's scripts, on one generation per run; and the built, packed package. On Node 22
 * and newer a fifth, `ai`: the AI SDK entry driven by the real `ai` package.
 */
const CLI = ['test/cli.test.ts', 'test/cli-*.test.ts', 'test/hostile/cli.test.ts'];
const TOOLING = [
  'test/generate.test.ts',
  'test/spec-*.test.ts',
  'test/oasdiff-conformance.test.ts',
  'test/workflows.test.ts',
  'test/contract-live.test.ts',
  'test/runtimes.test.ts',
  'test/layout.test.ts',
  'test/stand-in-regenerated.test.ts',
];
// The AI SDK entry driven by the real `ai` package, which needs Node 22 or newer. Its pure
// mapping tests (test/ai/unit/) need no `ai` and run in the library project, on Node 20 too.
const AI = ['test/ai/*.test.ts'];
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const RUNS_AI = NODE_MAJOR >= 22;
if (!RUNS_AI) {
  // Said once, so a run on Node 20 never reads as if the AI SDK tests had passed.
  console.log(
    `vitest: the 'ai' project needs Node >= 22 (this is ${process.version}); CI runs it under Node 22.`,
  );
}
const PACKAGE = [
  'test/package.test.ts',
  'test/realtime-package.test.ts',
  'test/ai-package.test.ts',
  'test/readme.test.ts',
  'test/package-types.test.ts',
  'test/cli-process.test.ts',
];

/**
 * Modules a test writes to the temp folder (built validators, bundles: `.mjs`) are plain
 * JavaScript, so Node imports them as they are. Through vite, each would add an entry to the
 * module cache below on every run, under a new random path: the cache grew without bound
 * (210 MB) and made every run slower (122 → 107 CPU-s once cleared). Never this checkout's own
 * files, wherever it lies (a clone in the temp folder).
 */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const real = (dir: string) => {
  try {
    return realpathSync(dir);
  } catch {
    return dir; // a temp folder that does not exist: nothing is written there to import
  }
};
const ROOT = path.dirname(fileURLToPath(import.meta.url));
const TEMP = [tmpdir(), real(tmpdir())].map(escape).join('|');
const TEMP_MODULES = new RegExp(
  `^(?!${escape(ROOT)}/|${escape(real(ROOT))}/)(?:${TEMP})/.+\\.mjs$`,
);

/** What every project shares (not `extends: true`, which would run the root's global setup in each). */
const shared = {
  // Time is never asserted, so a generous bound only catches a hang, not a slow machine.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Two files at a time even on two cores (vitest's default is one fewer than the cores): many
  // tests wait on a server or a child process, not on the CPU.
  maxWorkers: 2,
  // Kills the children of a failed test at once, and every child when its file ends.
  setupFiles: ['test/setup/children.ts'],
  // Files share a worker's module cache: each imports the same large modules (TypeScript,
  // prettier, the generator, the client), none changes module state another reads, and a
  // fresh module graph per file was about half of the suite's CPU.
  isolate: false,
  // Node 20.19+ compiles each imported CommonJS file of a package without a "type" field twice,
  // once to look for ESM syntax: for TypeScript's 9 MB that is a quarter of a second in each
  // worker that loads it. No dependency here needs the guess; child processes still make it.
  execArgv: ['--no-experimental-detect-module'],
  server: { deps: { external: [TEMP_MODULES] } },
};

export default defineConfig({
  test: {
    // Once per run, for all projects: fails the run when a test wrote into the checkout.
    globalSetup: ['test/setup/clean-tree.ts'],
    experimental: { fsModuleCache: true },
    projects: [
      {
        test: {
          ...shared,
          name: 'library',
          include: ['test/**/*.test.ts'],
          exclude: [...CLI, ...TOOLING, ...PACKAGE, ...AI],
        },
      },
      { test: { ...shared, name: 'cli', include: CLI, exclude: PACKAGE } },
      { test: { ...shared, name: 'tooling', include: TOOLING } },
      {
        test: {
          ...shared,
          name: 'package',
          include: PACKAGE,
          // Each test runs Node, tsc or attw as a child: on a machine busy with other work that
          // can take tens of seconds, and the bound is only there to catch a hang.
          testTimeout: 120_000,
          // Builds dist/ from the current source and packs it once, for every test here, in the
          // background while the other projects run (the tests await it: test/helpers/built.ts).
          globalSetup: ['test/setup/build.ts'],
        },
      },
      ...(RUNS_AI
        ? [
            {
              test: {
                ...shared,
                name: 'ai',
                include: AI,
                setupFiles: [...shared.setupFiles, 'test/ai/setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
