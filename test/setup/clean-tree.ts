/**
 * A test writes only under its own temp folder: the checkout's `git status` must read the same
 * after the run as before it (empty on a clean clone), or the run fails naming what changed.
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../../scripts/lib/root.js';

function status(): string {
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 10_000,
  });
}

export default function setup() {
  const before = status();
  return () => {
    const after = status();
    if (after === before) return;
    // Vitest reports an error thrown here but still exits 0, so the failure is set by hand.
    process.exitCode = 1;
    throw new Error(
      `The run changed the checkout (git status --porcelain):\nbefore:\n${before}\nafter:\n${after}`,
    );
  };
}
