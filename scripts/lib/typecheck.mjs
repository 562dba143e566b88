/**
 * `npm run typecheck`: `tsc -b tsconfig.check.json`, the whole project, nothing emitted.
 *
 * `tsc -b` finds an unchanged tree up to date from the stamps of the project's own files, in
 * under a second (`--incremental` re-reads every file, five). It does not look at the packages'
 * declarations, so a dependency installed or upgraded since the last check would go unchecked:
 * the build info is dropped first whenever npm changed node_modules after it was written (npm
 * rewrites `node_modules/.package-lock.json` on every install that changes the tree), or when
 * that record is missing.
 *
 * Plain JavaScript, so that Node runs it without starting `tsx`.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where tsconfig.check.json keeps its build info. */
const BUILD_INFO = path.join(ROOT, 'node_modules', '.cache', 'tsc', 'check.tsbuildinfo');
const INSTALLED = path.join(ROOT, 'node_modules', '.package-lock.json');

const modified = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;
// No record of the install (npm failed to write it; pnpm and yarn never do): not known to be
// older, so the build info goes too.
const installed = modified(INSTALLED);
if (installed === undefined || installed >= (modified(BUILD_INFO) ?? 0)) {
  rmSync(BUILD_INFO, { force: true });
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.check.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
// tsc that could not start, or was killed by a signal, has no status: a failure, said out loud.
if (result.error) console.error(`typecheck: ${result.error.message}`);
else if (result.status === null) console.error(`typecheck: tsc ended by ${result.signal}`);
process.exitCode = result.status ?? 1;
