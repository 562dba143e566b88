/**
 * The README never lies: its testing-helper example is extracted and run as written, against
 * the built package (imported by its own name, as a user would).
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runNode } from './helpers/project-copy.js';

/** The first ```ts block after `heading` in the README. */
async function exampleAfter(heading: string): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error(`no ts example after ${heading}`);
  return match[1];
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'testing', 'index.js'))) {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
  }
}, 120_000);

describe('README', () => {
  it('has a testing-helper example that runs as written', async () => {
    const example = await exampleAfter('## Testing your code');
    // The example is plain JavaScript apart from its fence; it prints the requests it made.
    const file = path.join(ROOT, `readme-example-${process.pid}.mjs`);
    await writeFile(file, example);
    try {
      const result = await runNode(ROOT, [file]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("'GET /wallet/self/api-credit'");
    } finally {
      await rm(file, { force: true });
    }
  });
});
