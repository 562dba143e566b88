/**
 * The suite's package cache (test/setup/build.ts) under a hostile review: inputs its keys
 * missed, two test runs at once, an edit during a build, and damaged entries. Each case failed
 * on the cache as it was: a key blind to links and to files npm packs unasked, entries kept
 * half-deleted by a concurrent run and then reused on every run, a damaged entry never repaired.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashFiles, keep, packKey, restore } from '../setup/build.js';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-cache-review-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const KEY = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);

/** A fill that writes `count` files into `dist/`, yielding between them as a real copy does. */
const fillDist =
  (count: number) =>
  async (dir: string): Promise<void> => {
    await mkdir(path.join(dir, 'dist'));
    for (let i = 0; i < count; i++) {
      await writeFile(path.join(dir, 'dist', `${i}.js`), `export default ${i};\n`);
    }
  };

describe('the pack key', () => {
  const project = {
    'README.md': 'readme\n',
    LICENSE: 'MIT\n',
    'scripts/lib/consumer.ts': 'export {};\n',
  };

  it.each(['LICENCE', 'COPYING', 'license.txt', 'readme.txt', 'Licence.md'])(
    'changes when %s, which npm packs unasked, appears',
    async (name) => {
      const root = await folder(project);
      const before = await packKey(KEY, root);
      await writeFile(path.join(root, name), 'more\n');
      expect(await packKey(KEY, root)).not.toBe(before);
    },
  );

  it('stays when a file npm does not pack appears (CHANGELOG.md)', async () => {
    const root = await folder(project);
    const before = await packKey(KEY, root);
    await writeFile(path.join(root, 'CHANGELOG.md'), '# changes\n');
    expect(await packKey(KEY, root)).toBe(before);
  });
});

describe('the hash of the inputs', () => {
  it('changes when a linked source file changes where the link points', async () => {
    const root = await folder({ 'src/a.ts': 'A\n' });
    const outside = await folder({ 'b.ts': 'B = 1\n' });
    await symlink(path.join(outside, 'b.ts'), path.join(root, 'src', 'b.ts'));
    const before = await hashFiles(root, ['src'], 'build');
    await writeFile(path.join(outside, 'b.ts'), 'B = 2\n');
    expect(await hashFiles(root, ['src'], 'build')).not.toBe(before);
  });

  it('changes when a file in a linked folder changes', async () => {
    const root = await folder({ 'src/a.ts': 'A\n' });
    const outside = await folder({ 'lib/c.ts': 'C = 1\n' });
    await symlink(path.join(outside, 'lib'), path.join(root, 'src', 'lib'), 'dir');
    const before = await hashFiles(root, ['src'], 'build');
    await writeFile(path.join(outside, 'lib', 'c.ts'), 'C = 2\n');
    expect(await hashFiles(root, ['src'], 'build')).not.toBe(before);
  });

  it('ends on a link back up the tree', async () => {
    const root = await folder({ 'src/a.ts': 'A\n' });
    await symlink(path.join(root, 'src'), path.join(root, 'src', 'loop'), 'dir');
    expect(await hashFiles(root, ['src'], 'build')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a FIFO among the inputs instead of waiting on it forever', async () => {
    const root = await folder({ 'src/a.ts': 'A\n' });
    execFileSync('mkfifo', [path.join(root, 'src', 'pipe')]);
    await expect(hashFiles(root, ['src'], 'build')).rejects.toThrow(
      'src/pipe is neither a file nor a folder',
    );
  });

  it('tells one file holding a NUL and a path from two files', async () => {
    const one = await folder({ 'src/a': 'X\0src/b\0Y' });
    const two = await folder({ 'src/a': 'X', 'src/b': 'Y' });
    expect(await hashFiles(one, ['src'], 'build')).not.toBe(await hashFiles(two, ['src'], 'build'));
  });
});

describe('keeping an entry', () => {
  it('keeps nothing when an input changed while the entry was made', async () => {
    const cache = await folder();
    await keep(cache, 'build', KEY, fillDist(3), async () => OTHER);
    expect(await readdir(cache)).toEqual([]);
  });

  it('lets two runs keep the same entry at once: one whole entry, nothing else left', async () => {
    const cache = await folder();
    const current = async () => KEY;
    await Promise.all([
      keep(cache, 'build', KEY, fillDist(40), current),
      keep(cache, 'build', KEY, fillDist(40), current),
    ]);
    expect(await readdir(cache)).toEqual([`build-${KEY}`]);
    const to = path.join(await folder(), 'dist');
    expect(await restore(cache, 'build', KEY, 'dist', to)).toBe(true);
    expect(await readdir(to)).toHaveLength(40);
  });

  it("removes older entries of its kind and dead runs' folders, and leaves a live run's", async () => {
    const cache = await folder();
    const live = `build-${OTHER}.part-${process.pid}-x`;
    const dead = `build-${OTHER}.part-999999999-x`;
    for (const name of [live, dead, `build-${OTHER}`, `pack-${OTHER}`, 'build-legacy']) {
      await mkdir(path.join(cache, name));
    }
    await keep(cache, 'build', KEY, fillDist(1), async () => KEY);
    expect((await readdir(cache)).sort()).toEqual([`build-${KEY}`, live, `pack-${OTHER}`].sort());
  });
});

describe('restoring an entry', () => {
  async function kept(): Promise<string> {
    const cache = await folder();
    await keep(cache, 'build', KEY, fillDist(5), async () => KEY);
    return cache;
  }
  const entry = (cache: string) => path.join(cache, `build-${KEY}`);

  it('copies a whole entry, file for file', async () => {
    const cache = await kept();
    const to = path.join(await folder(), 'dist');
    expect(await restore(cache, 'build', KEY, 'dist', to)).toBe(true);
    expect(await readFile(path.join(to, '4.js'), 'utf8')).toBe('export default 4;\n');
  });

  it.each<[string, (cache: string) => Promise<unknown>]>([
    ['a file was deleted', (cache) => rm(path.join(entry(cache), 'dist', '2.js'))],
    ['a file was cut short', (cache) => truncate(path.join(entry(cache), 'dist', '3.js'), 2)],
    ['a file was added', (cache) => writeFile(path.join(entry(cache), 'dist', 'x.js'), '')],
    [
      'the folder it copies is gone',
      (cache) => rm(path.join(entry(cache), 'dist'), { recursive: true }),
    ],
    ['it has no listing (an older layout)', (cache) => rm(path.join(entry(cache), 'listing.txt'))],
  ])('refuses an entry where %s, removes it, and leaves no half copy', async (_, damage) => {
    const cache = await kept();
    await damage(cache);
    const to = path.join(await folder(), 'dist');
    expect(await restore(cache, 'build', KEY, 'dist', to)).toBe(false);
    expect(await readdir(cache)).toEqual([]);
    await expect(readdir(to)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a key that was never kept', async () => {
    const cache = await kept();
    expect(await restore(cache, 'build', OTHER, 'dist', path.join(await folder(), 'd'))).toBe(
      false,
    );
    expect(await readdir(cache)).toEqual([`build-${KEY}`]);
  });
});
