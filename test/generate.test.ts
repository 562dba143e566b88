import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_OUT, DEFAULT_SPEC, generate } from '../scripts/generate.js';
import { copyProject, ROOT, runScript, typecheck } from './helpers/project-copy.js';
import { startServer, apiCreditBody } from './helpers/server.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');

describe('code generation', () => {
  it('matches the checked-in files byte for byte', async () => {
    for (const file of await generate(DEFAULT_SPEC, DEFAULT_OUT)) {
      expect(await readFile(file.path, 'utf8'), file.path).toBe(file.contents);
    }
  });

  it('gives identical output on every run', async () => {
    const first = await generate(DEFAULT_SPEC, DEFAULT_OUT);
    const second = await generate(DEFAULT_SPEC, DEFAULT_OUT);
    expect(second).toEqual(first);
  });

  it('starts every file with a do-not-edit header naming the spec and the command', async () => {
    for (const file of await generate(DEFAULT_SPEC, DEFAULT_OUT)) {
      const head = file.contents.split('\n').slice(0, 3).join('\n');
      expect(head).toMatch(/DO NOT EDIT/);
      expect(head).toContain('openapi/fish-audio.yaml');
      expect(head).toContain('`npm run generate`');
    }
  });

  it('keeps response properties optional unless the spec lists them as required', async () => {
    const types = await readFile(path.join(DEFAULT_OUT, 'fish-audio.ts'), 'utf8');
    expect(types).toMatch(/has_free_credit\?: boolean \| null;/);
    expect(types).toMatch(/\bcredit: string;/);
  });
});

describe('generation on other documents', () => {
  let copy: Awaited<ReturnType<typeof copyProject>>;
  beforeAll(async () => {
    copy = await copyProject();
  });
  afterAll(() => copy.remove());

  it('handles the full upstream document (JSON, 29 paths) into another folder', async () => {
    const out = path.join(copy.dir, 'upstream-out');
    const result = await runScript(copy.dir, 'scripts/generate.ts', [UPSTREAM, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const types = await readFile(path.join(out, 'fish-audio.ts'), 'utf8');
    const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as { paths: object };
    expect(Object.keys(upstream.paths)).toHaveLength(29);
    for (const route of Object.keys(upstream.paths)) expect(types).toContain(`'${route}': {`);
    expect(types).toContain('npm run generate -- ');
  });

  it('--check writes nothing and exits 1 with a diff when the spec changed', async () => {
    const specPath = path.join(copy.dir, 'openapi', 'fish-audio.yaml');
    const original = await readFile(specPath, 'utf8');
    await writeFile(specPath, original.replace('title: Credit', 'title: Balance'));
    const before = await readFile(path.join(copy.dir, 'src/generated/fish-audio.ts'), 'utf8');
    try {
      const result = await runScript(copy.dir, 'scripts/generate.ts', ['--check']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Run `npm run generate`');
      expect(result.stderr).toMatch(/^-\s+\/\*\* Credit \*\/$/m);
      expect(result.stderr).toMatch(/^\+\s+\/\*\* Balance \*\/$/m);
      const after = await readFile(path.join(copy.dir, 'src/generated/fish-audio.ts'), 'utf8');
      expect(after).toBe(before);
    } finally {
      await writeFile(specPath, original);
    }
  });

  it('--check exits 1 when a generated file is missing', async () => {
    const out = path.join(copy.dir, 'nowhere');
    const result = await runScript(copy.dir, 'scripts/generate.ts', ['--check', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(missing)');
  });

  it('refuses a file that is not OpenAPI 3.x with a clear message', async () => {
    const bad = path.join(copy.dir, 'swagger.json');
    await writeFile(bad, JSON.stringify({ swagger: '2.0', paths: {} }));
    const result = await runScript(copy.dir, 'scripts/generate.ts', [bad, '--out', copy.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not an OpenAPI 3\.x document/);
  });
});

describe('a parameter added to the spec', () => {
  let copy: Awaited<ReturnType<typeof copyProject>>;
  beforeAll(async () => {
    copy = await copyProject();
    const specPath = path.join(copy.dir, 'openapi', 'fish-audio.yaml');
    const spec = parse(await readFile(specPath, 'utf8'));
    spec.paths['/wallet/{user_id}/api-credit'].get.parameters.push({
      in: 'query',
      name: 'currency',
      required: false,
      schema: { type: 'string' },
    });
    await writeFile(specPath, stringify(spec));
    const result = await runScript(copy.dir, 'scripts/generate.ts');
    expect(result.code, result.stderr).toBe(0);
  }, 30_000);
  afterAll(() => copy.remove());

  it('is sent on the wire after regeneration alone, with no handwritten edit', async () => {
    for (const file of ['client.ts', 'wallet.ts', 'types.ts', 'params.ts']) {
      const copied = await readFile(path.join(copy.dir, 'src', file), 'utf8');
      expect(copied).toBe(await readFile(path.join(ROOT, 'src', file), 'utf8'));
    }
    const server = await startServer();
    try {
      server.reply(200, apiCreditBody());
      const mod = await import(path.join(copy.dir, 'src', 'index.ts'));
      const client = new mod.FishAudio({ apiKey: 'k', baseUrl: server.url });
      await client.wallet.getApiCredit({ currency: 'EUR' });
      expect(server.requests[0]?.url).toBe('/wallet/self/api-credit?currency=EUR');
    } finally {
      await server.close();
    }
  });

  it('is accepted by the types after regeneration alone', async () => {
    await writeFile(
      path.join(copy.dir, 'src', 'uses-new-param.ts'),
      [
        "import { FishAudio } from './index.js';",
        "const client = new FishAudio({ apiKey: 'k' });",
        "export const call = () => client.wallet.getApiCredit({ currency: 'EUR' });",
        '// @ts-expect-error the new parameter is a string',
        'export const bad = () => client.wallet.getApiCredit({ currency: 1 });',
        '',
      ].join('\n'),
    );
    const result = await typecheck(copy.dir);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('a response type changed in the spec', () => {
  it('fails the typecheck, through the type-level tests, once regenerated', async () => {
    const copy = await copyProject();
    try {
      await mkdir(path.join(copy.dir, 'test'), { recursive: true });
      await cp(
        path.join(ROOT, 'test', 'types.test.ts'),
        path.join(copy.dir, 'test', 'types.test.ts'),
      );
      const specPath = path.join(copy.dir, 'openapi', 'fish-audio.yaml');
      const spec = parse(await readFile(specPath, 'utf8'));
      const credit =
        spec.paths['/wallet/{user_id}/api-credit'].get.responses['200'].content['application/json']
          .schema.properties.credit;
      credit.type = 'number';
      await writeFile(specPath, stringify(spec));
      const generated = await runScript(copy.dir, 'scripts/generate.ts');
      expect(generated.code, generated.stderr).toBe(0);
      const result = await typecheck(copy.dir);
      expect(result.code).not.toBe(0);
      // The failure is reported at the assertion that pins `credit` to a string.
      const lines = (await readFile(path.join(ROOT, 'test', 'types.test.ts'), 'utf8')).split('\n');
      const pin = lines.findIndex((line) => line.includes("ApiCredit['credit']")) + 1;
      expect(result.stdout).toContain(`test/types.test.ts(${pin},`);
    } finally {
      await copy.remove();
    }
  }, 60_000);
});
