/**
 * Review of `npm run typecheck` (on temporary copies of the project's layout, from another
 * folder), `toCommonJs` of scripts/declarations.ts, and `specLint` in-process.
 */
import {
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCommonJs } from '../scripts/declarations.js';
import { runProcess } from '../scripts/lib/process.js';
import type { Io } from '../scripts/spec-diff.js';
import { specLint } from '../scripts/spec-lint.js';
import { captureIo, ROOT } from './helpers/project-copy.js';

const LONG_AGO = new Date('2000-01-01T00:00:00Z');
/** Where tsconfig.check.json has tsc keep its build info, relative to the project. */
const BUILD_INFO = 'node_modules/.cache/tsc/check.tsbuildinfo';

let base: string;
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'fish-audio-tooling-review-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

/** The global types tsc requires of a program without a lib. */
const GLOBALS = `interface Array<T> {} interface Boolean {} interface Function {} interface IArguments {}
interface Number {} interface Object {} interface RegExp {} interface String {}
interface CallableFunction {} interface NewableFunction {}`;

/** The one source file: `x`, of type `type`, from the package `dep`. */
const source = (type: string) => `import { n } from 'dep';\nexport const x: ${type} = n;\n`;

/**
 * A project under `base`: a copy of typecheck.mjs, the real tsconfig.check.json, the real
 * compiler options over `a.ts` alone (no lib but four lines of globals, no @types: tsc then
 * starts in a third of the time, and what is tested is the build info, not the lib), a package
 * `dep`, and an old `node_modules/.package-lock.json` unless `lock` is false. `typescript` is the
 * real package (symlinked), none, or a stand-in whose `bin/tsc` is the given source.
 */
async function project(name: string, typescript = 'real', lock = true): Promise<string> {
  const dir = path.join(base, name);
  const read = (file: string) => readFile(path.join(ROOT, file), 'utf8');
  const { compilerOptions } = JSON.parse(await read('tsconfig.json'));
  const files: Record<string, string> = {
    'scripts/lib/typecheck.mjs': await read('scripts/lib/typecheck.mjs'),
    'tsconfig.check.json': await read('tsconfig.check.json'),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { ...compilerOptions, lib: undefined, noLib: true, types: [] },
      include: ['a.ts', 'globals.d.ts'],
    }),
    // The global types tsc requires when it has no lib.
    'globals.d.ts': GLOBALS,
    'package.json': '{"type":"module"}',
    'a.ts': source('number'),
    'node_modules/dep/package.json': '{"name":"dep","types":"index.d.ts"}',
    'node_modules/dep/index.d.ts': 'export declare const n: number;',
  };
  if (lock) files['node_modules/.package-lock.json'] = '{}';
  if (typescript !== 'real' && typescript !== 'none') {
    files['node_modules/typescript/package.json'] = '{"name":"typescript"}';
    files['node_modules/typescript/bin/tsc'] = typescript;
  }
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  const modules = path.join(dir, 'node_modules');
  if (typescript === 'real') {
    await symlink(path.join(ROOT, 'node_modules/typescript'), path.join(modules, 'typescript'));
  }
  if (lock) await utimes(path.join(modules, '.package-lock.json'), LONG_AGO, LONG_AGO);
  return dir;
}

/** `node <dir>/scripts/lib/typecheck.mjs`, started from `base`: not the project's folder. */
const typecheck = (dir: string) =>
  runProcess(process.execPath, [path.join(dir, 'scripts/lib/typecheck.mjs')], {
    cwd: base,
    timeout: 60_000,
  });
/** Makes `dep` declare `n` of `type`; `a.ts` assigns it to a number. */
const setDep = (dir: string, type: string) =>
  writeFile(path.join(dir, 'node_modules/dep/index.d.ts'), `export declare const n: ${type};`);

describe('typecheck.mjs with the real tsc, run from another folder (one project, in order)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project('real');
  });

  it('exits 0 and writes the build info on a project without errors', async () => {
    const result = await typecheck(dir);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await expect(readFile(path.join(dir, BUILD_INFO))).resolves.toBeTruthy();
  });

  it('keeps the build info while .package-lock.json is older, so tsc -b misses a changed dependency', async () => {
    // The control for the next test: this is the gap the build info's removal closes.
    await setDep(dir, 'string');
    expect((await typecheck(dir)).code).toBe(0);
  });

  it('rechecks a changed dependency declaration once .package-lock.json is newer than the build info', async () => {
    const soon = new Date(Date.now() + 60_000);
    await utimes(path.join(dir, 'node_modules/.package-lock.json'), soon, soon);
    const result = await typecheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(
      "a.ts(2,14): error TS2322: Type 'string' is not assignable to type 'number'",
    );
  });

  it('exits 0 again once the error is fixed', async () => {
    // The install record old again: from here tsc -b runs on the build info it keeps.
    const lock = path.join(dir, 'node_modules/.package-lock.json');
    await utimes(lock, LONG_AGO, LONG_AGO);
    await setDep(dir, 'number');
    expect((await typecheck(dir)).code).toBe(0);
  });

  it('exits non-zero with the diagnostic on stdout when a source file has a type error', async () => {
    await writeFile(path.join(dir, 'a.ts'), source('string'));
    const result = await typecheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain("a.ts(2,14): error TS2322: Type 'number' is not assignable");
  });
});

describe('typecheck.mjs around tsc', () => {
  // A stand-in tsc that says whether the build info was still there when it started.
  const REPORTS_BUILD_INFO = `console.log(require('node:fs').existsSync(${JSON.stringify(BUILD_INFO)}) ? 'kept' : 'dropped');`;

  it.each([
    ['keeps', 'older than the build info', LONG_AGO, 'kept'],
    ['drops', 'newer than the build info', new Date(Date.now() + 60_000), 'dropped'],
    // Was a defect: with no node_modules/.package-lock.json (npm deletes it when it cannot write
    // it; pnpm and yarn never write it) the build info was never dropped: a changed dependency
    // passed.
    ['drops', 'missing', undefined, 'dropped'],
  ])(
    '%s the build info when node_modules/.package-lock.json is %s',
    async (_, state, lockTime, said) => {
      const name = `lock-${state.split(' ')[0]}`;
      const dir = await project(name, REPORTS_BUILD_INFO, lockTime !== undefined);
      await mkdir(path.join(dir, path.dirname(BUILD_INFO)), { recursive: true });
      await writeFile(path.join(dir, BUILD_INFO), '{}');
      if (lockTime)
        await utimes(path.join(dir, 'node_modules/.package-lock.json'), lockTime, lockTime);
      const result = await typecheck(dir);
      expect(result.stdout.trim(), result.stderr).toBe(said);
    },
  );

  it('runs `tsc -b tsconfig.check.json` in the project folder, whatever the current folder', async () => {
    const tsc = 'console.log(JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));';
    const dir = await project('cwd', tsc);
    const result = await typecheck(dir);
    expect(JSON.parse(result.stdout)).toEqual({
      args: ['-b', 'tsconfig.check.json'],
      cwd: await realpath(dir),
    });
  });

  it.each([
    ['tsc’s own exit status', 'process.exit(3);', 3],
    ['1 when tsc is killed by a signal', "process.kill(process.pid, 'SIGKILL');", 1],
  ])('exits with %s', async (_, tsc, code) => {
    const result = await typecheck(await project(`exit-${code}`, tsc));
    expect(result.code).toBe(code);
    expect(result.stderr).not.toContain('killed by'); // the wrapper exits; it is not killed
  });

  it('exits non-zero, naming typescript/bin/tsc, when TypeScript is not installed', async () => {
    const result = await typecheck(await project('no-typescript', 'none'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Cannot find module 'typescript/bin/tsc'");
  });
});

describe('toCommonJs', () => {
  it.each([
    ['a named import', "import { a } from './a.js';", "import { a } from './a.cjs';"],
    ['a parent folder', 'export * from "../b.js";', 'export * from "../b.cjs";'],
    ['a re-export', 'export { a } from "./b.js";', 'export { a } from "./b.cjs";'],
    ['an import type', "import type { A } from './a.js';", "import type { A } from './a.cjs';"],
    ['import() with spaces', 'typeof import( "./x.js" )', 'typeof import( "./x.cjs" )'],
    ['import() over lines', "import(\n  './x.js'\n).X", "import(\n  './x.cjs'\n).X"],
    // Was a defect: a side-effect import keeps pointing at the ESM declarations.
    ['a side-effect import', "import './side.js';", "import './side.cjs';"],
    // Was a defect: an augmentation (rollup-plugin-dts points it at a chunk) augments the ESM chunk.
    ['an augmentation', "declare module './c.js' {}", "declare module './c.cjs' {}"],
  ])('points %s at the CommonJS twin', (_, text, expected) => {
    expect(toCommonJs(text)).toBe(expected);
  });

  it.each([
    ['a package', "import { WebSocket } from 'ws';"],
    ['a node: module', "import { Readable } from 'node:stream';"],
    ['a package file', "export * from 'pkg/x.js';"],
    ['a JSON module', "import t from './x.json';"],
    ['a .mjs module (which has no twin)', "export { a } from './a.mjs';"],
    ['a .d.ts module', "export { a } from './a.d.ts';"],
    ['a .cjs module', "export { a } from './a.cjs';"],
    ['a string type naming a .js file', "declare const f: './y.js';"],
    // Was a defect: a string type that merely reads like an import changes in the CommonJS twin.
    ['a string type that reads like an import', `declare const s: "from './a.js'";`],
  ])('leaves %s alone', (_, text) => {
    expect(toCommonJs(text)).toBe(text);
  });
});

describe('specLint on what Redocly refuses (one Redocly run each)', () => {
  it('resolves non-zero and prints Redocly’s message for an option it refuses', async () => {
    const out = captureIo();
    const code = await specLint(['--format', 'nope'], out.io);
    expect(code).not.toBe(0);
    expect(out.stdout() + out.stderr()).toContain('Argument: format, Given: "nope"');
  });

  // Was a defect: specLint writes without a guard: a throwing stdout rejects it (runMain then exits 2
  // with `spec-lint: write EPIPE`), and Redocly's message, written to stderr after, is lost.
  it('resolves non-zero with Redocly’s message for a missing file on stderr, even when writing to stdout throws', async () => {
    const out = captureIo();
    const closed = () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    const io: Io = { stdout: { write: closed }, stderr: out.io.stderr };
    await expect(specLint(['no-such-file.yaml'], io)).resolves.not.toBe(0);
    expect(out.stderr()).toContain('no-such-file.yaml does not exist or is invalid');
  });
});
