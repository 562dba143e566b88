import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_OUT, DEFAULT_SPEC, generate } from '../scripts/generate.js';
import {
  copyProject,
  ROOT,
  runScript,
  typecheck,
  type ProjectCopy,
} from './helpers/project-copy.js';
import { startServer, apiCreditBody } from './helpers/server.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { applyPatches } from '../scripts/lib/spec-patches.js';
import { operationManifest } from '../src/generated/operations.js';
import { validatorModules } from '../src/generated/validators/index.js';

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
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'fish-audio-generate-'));
    // The generator formats with the prettier config found above each output file.
    await cp(path.join(ROOT, '.prettierrc.json'), path.join(tmp, '.prettierrc.json'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('handles the full patched upstream document (JSON, 29 paths) into another folder', async () => {
    const patched = path.join(tmp, 'upstream-patched.json');
    const raw = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
    await writeFile(patched, JSON.stringify(applyPatches(raw)));
    const files = await generate(patched, path.join(tmp, 'upstream-out'));
    const types = files.find((file) => file.path.endsWith('fish-audio.ts'))!.contents;
    const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as { paths: object };
    expect(Object.keys(upstream.paths)).toHaveLength(29);
    for (const route of Object.keys(upstream.paths)) expect(types).toContain(`'${route}': {`);
    expect(types).toContain('npm run generate -- ');
  });

  it('--check writes nothing and exits 1 with a diff when the spec changed', async () => {
    const specPath = path.join(tmp, 'fish-audio.yaml');
    const out = path.join(tmp, 'generated');
    await writeFile(specPath, await readFile(DEFAULT_SPEC));
    for (const file of await generate(specPath, out)) {
      await mkdir(path.dirname(file.path), { recursive: true });
      await writeFile(file.path, file.contents);
    }
    const original = await readFile(specPath, 'utf8');
    await writeFile(specPath, original.replace('title: Credit', 'title: Balance'));
    const before = await readFile(path.join(out, 'fish-audio.ts'), 'utf8');

    const result = await runScript(ROOT, 'scripts/generate.ts', [
      specPath,
      '--check',
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Run `npm run generate`');
    expect(result.stderr).toMatch(/^-\s+\/\*\* Credit \*\/$/m);
    expect(result.stderr).toMatch(/^\+\s+\/\*\* Balance \*\/$/m);
    expect(await readFile(path.join(out, 'fish-audio.ts'), 'utf8')).toBe(before);
  });

  it('--check exits 1 when a generated file is missing', async () => {
    const out = path.join(tmp, 'nowhere');
    const result = await runScript(ROOT, 'scripts/generate.ts', ['--check', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(missing)');
  });

  it('refuses a file that is not OpenAPI 3.x with a clear message', async () => {
    const bad = path.join(tmp, 'swagger.json');
    await writeFile(bad, JSON.stringify({ swagger: '2.0', paths: {} }));
    const result = await runScript(ROOT, 'scripts/generate.ts', [bad, '--out', tmp]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not an OpenAPI 3\.x document/);
  });
});

/**
 * A temporary project with the client's sources and `spec` (edited by `edit`) regenerated into
 * its src/generated, in-process: what a maintainer gets after editing the spec and running
 * `npm run generate`.
 */
async function regeneratedProject(edit: (spec: any) => void, extra: string[] = []) {
  const copy = await copyProject([
    'src',
    'tsconfig.json',
    'package.json',
    '.prettierrc.json',
    ...extra,
  ]);
  const spec = parse(await readFile(DEFAULT_SPEC, 'utf8'));
  edit(spec);
  const specPath = path.join(copy.dir, 'fish-audio.yaml');
  await writeFile(specPath, stringify(spec));
  for (const file of await generate(specPath, path.join(copy.dir, 'src', 'generated'))) {
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
  }
  return copy;
}

describe('a parameter added to the spec', () => {
  let copy: ProjectCopy;
  beforeAll(async () => {
    copy = await regeneratedProject((spec) => {
      spec.paths['/wallet/{user_id}/api-credit'].get.parameters.push({
        in: 'query',
        name: 'currency',
        required: false,
        schema: { type: 'string' },
      });
    });
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
    const copy = await regeneratedProject(
      (spec) => {
        const credit =
          spec.paths['/wallet/{user_id}/api-credit'].get.responses['200'].content[
            'application/json'
          ].schema.properties.credit;
        credit.type = 'number';
      },
      ['test/types.test.ts'],
    );
    try {
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

describe('the generated manifest', () => {
  it.each([
    ['POST /v1/tts', 'tts.convert', { kind: 'binary', mediaType: 'audio/*', status: 200 }],
    ['POST /v1/asr', 'asr.transcribe', { kind: 'json', status: 200 }],
    ['POST /v1/tts/stream/with-timestamp', 'tts.withTimestamps', { kind: 'sse', status: 200 }],
    ['DELETE /model/{id}', 'voices.delete', { kind: 'empty', status: 200 }],
    ['GET /model', 'voices.list', { kind: 'json', status: 200 }],
    ['POST /v1/agent/agents', 'agents.create', { kind: 'json', status: 201 }],
    ['DELETE /v1/agent/agents/{agent_id}', 'agents.delete', { kind: 'empty', status: 204 }],
  ] as const)('names %s %s and says its success is %o', (key, name, success) => {
    const entry = operationManifest[key];
    expect(entry.name).toBe(name);
    expect(entry.resource).toBe(name.split('.')[0]);
    expect(entry.success).toMatchObject(success);
  });

  it.each([
    ['POST /v1/tts', { encodings: ['json', 'msgpack'], binary: [], holdsBytes: true }],
    ['POST /v1/asr', { encodings: ['multipart', 'msgpack'], binary: ['audio'], holdsBytes: true }],
    [
      'POST /model',
      { encodings: ['multipart', 'msgpack'], binary: ['cover_image', 'voices'], holdsBytes: true },
    ],
    ['POST /v1/agent/phone-calls', { encodings: ['json'], binary: [], holdsBytes: false }],
  ] as const)('describes the request body of %s', (key, body) => {
    expect(operationManifest[key].body).toMatchObject({ required: true, ...body });
  });

  it('lists every top-level body property, so params and body can be told apart', () => {
    expect(operationManifest['POST /v1/asr'].body.properties).toEqual([
      'audio',
      'language',
      'ignore_timestamps',
    ]);
  });

  it.each([
    ['POST /v1/tts', 'model'],
    ['POST /v1/agent/phone-calls', 'idempotency-key'],
    ['GET /v1/agent/agents/{agent_id}/widget', 'origin'],
  ] as const)('carries the header parameter of %s under its wire name %s', (key, header) => {
    const parameters: Record<string, { in: string }> = operationManifest[key].parameters;
    expect(parameters[header]?.in).toBe('header');
  });

  it.each([
    ['GET /wallet/{user_id}/api-credit', 'bearer'],
    ['POST /v1/tts', 'bearer'],
    ['GET /v1/agent/agents/{agent_id}/widget', 'none'],
  ] as const)('says %s needs auth %s', (key, auth) => {
    expect(operationManifest[key].auth).toBe(auth);
  });

  it('has a validator module for every resource it names', () => {
    const resources = new Set(Object.values(operationManifest).map((entry) => entry.resource));
    expect(Object.keys(validatorModules).sort()).toEqual([...resources].sort());
  });

  it('types binary upload fields as Blob | Uint8Array', async () => {
    const types = await readFile(path.join(DEFAULT_OUT, 'fish-audio.ts'), 'utf8');
    expect(types).toMatch(/audio: Blob \| Uint8Array;/);
  });
});

describe('the generator refuses what it cannot route', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'fish-audio-refuse-'));
    await cp(path.join(ROOT, '.prettierrc.json'), path.join(tmp, '.prettierrc.json'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  /** A one-operation spec, `POST /things/{id}` named things.create, edited by `edit`. */
  async function generateWith(edit: (operation: any) => void) {
    const operation = {
      operationId: 'things.create',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', properties: { title: { type: 'string' } } },
          },
        },
      },
      responses: {
        '200': {
          description: 'ok',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    };
    edit(operation);
    const spec = {
      openapi: '3.1.0',
      info: { title: 'T', version: '1' },
      paths: { '/things/{id}': { post: operation } },
    };
    const file = path.join(tmp, 'spec.json');
    await writeFile(file, JSON.stringify(spec));
    return generate(file, path.join(tmp, 'out'));
  }

  it('accepts the unedited spec, so each refusal below comes from its edit', async () => {
    await expect(generateWith(() => {})).resolves.toHaveLength(5);
  });

  it.each([
    [
      'a success media type it does not know',
      (op: any) => {
        op.responses['200'].content = { 'application/xml': { schema: { type: 'string' } } };
      },
      /POST \/things\/\{id\}: the 200 media type application\/xml is unknown/,
    ],
    [
      'a parameter and a body property with the same name',
      (op: any) => {
        op.requestBody.content['application/json'].schema.properties.id = { type: 'string' };
      },
      /the parameter "id" and the body property "id" clash/,
    ],
    [
      'a header parameter and a body property with the same name',
      (op: any) => {
        op.parameters.push({ name: 'title', in: 'header', schema: { type: 'string' } });
      },
      /the parameter "title" and the body property "title" clash/,
    ],
    [
      'a request body media type it cannot send',
      (op: any) => {
        op.requestBody.content = { 'text/csv': { schema: { type: 'string' } } };
      },
      /the request body media type text\/csv is not one the client can send/,
    ],
    [
      'an operation without a resource.method operationId',
      (op: any) => {
        delete op.operationId;
      },
      /the operationId must be "resource\.method"/,
    ],
  ])('fails on %s', async (_, edit, message) => {
    await expect(generateWith(edit)).rejects.toThrow(message);
  });
});
