/**
 * `npm run generate`: the checked-in src/generated/ is what the generator makes of the spec (the
 * one check of it, which `npm run check:generated` also makes), the generator's command, and
 * what a spec edit does to the client after regeneration alone.
 * Regenerations that are only read or compiled skip prettier; compiling is in-process, on a
 * probe file (test/helpers/typecheck.ts).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_OUT,
  DEFAULT_SPEC,
  formatFiles,
  generate,
  generateCommand,
  type GeneratedFile,
} from '../scripts/generate.js';
import { loadSpec, type OpenAPIDocument } from '../scripts/lib/openapi.js';
import { applyPatches } from '../scripts/lib/spec-patches.js';
import { operationManifest } from '../src/generated/operations.js';
import { validatorModules } from '../src/generated/validators/index.js';
import { importWith } from './helpers/bundle.js';
import type { ProcessResult } from '../scripts/lib/process.js';
import { captureIo, ROOT, runScript } from './helpers/project-copy.js';
import { apiCreditBody, startServer } from './helpers/server.js';
import { typecheckProbe } from './helpers/typecheck.js';

const UPSTREAM = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
const API_CREDIT = '/wallet/{user_id}/api-credit';

describe('code generation from the checked-in spec', () => {
  /** A generation as `npm run generate` makes it, before and after formatting. */
  let unformatted: GeneratedFile[];
  let files: GeneratedFile[];
  beforeAll(async () => {
    unformatted = await generate(DEFAULT_SPEC, DEFAULT_OUT, { format: false });
    files = await formatFiles(unformatted);
  });

  it('matches the checked-in files byte for byte (what `npm run check:generated` checks)', async () => {
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      expect(await readFile(file.path, 'utf8'), file.path).toBe(file.contents);
    }
  });

  it('gives identical output on every run', async () => {
    // Unformatted, compared with the first generation before formatting: prettier is most of a
    // generation's time, and is the same last step of both.
    expect(await generate(DEFAULT_SPEC, DEFAULT_OUT, { format: false })).toEqual(unformatted);
  });

  it('starts every file with a do-not-edit header naming the spec and the command', () => {
    for (const file of files) {
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

/**
 * A one-operation spec, `POST /things/{id}` named things.create, edited by `edit`; its 200 body
 * is a schema titled `title`.
 */
function thingsSpec(edit: (operation: any) => void = () => {}, title = 'Credit') {
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
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
      },
    },
  };
  edit(operation);
  return {
    openapi: '3.1.0',
    info: { title: 'T', version: '1' },
    paths: { '/things/{id}': { post: operation } },
    components: { schemas: { Thing: { type: 'object', title } } },
  } as OpenAPIDocument;
}

describe('generation on other documents', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'fish-audio-generate-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('handles the full patched upstream document (JSON, 29 paths) into another folder', async () => {
    const patched = path.join(tmp, 'upstream-patched.json');
    const upstream = JSON.parse(await readFile(UPSTREAM, 'utf8')) as OpenAPIDocument;
    await writeFile(patched, JSON.stringify(applyPatches(upstream)));
    const files = await generate(patched, path.join(tmp, 'upstream-out'), { format: false });
    const types = files.find((file) => file.path.endsWith('fish-audio.ts'))!.contents;
    expect(Object.keys(upstream.paths!)).toHaveLength(29);
    // Unformatted, the generator quotes keys with double quotes.
    for (const route of Object.keys(upstream.paths!)) expect(types).toContain(`"${route}": {`);
    expect(types).toContain('npm run generate -- ');
  });
});

describe('the generate command', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'fish-audio-generate-command-'));
    // The generator formats with the prettier config found above each output file.
    await cp(path.join(ROOT, '.prettierrc.json'), path.join(tmp, '.prettierrc.json'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  /** Runs the command in-process. */
  async function run(...args: string[]) {
    const out = captureIo();
    const code = await generateCommand(args, out.io);
    return { code, stdout: out.stdout(), stderr: out.stderr() };
  }

  it('writes the generated files into --out, and --check then finds them in sync', async () => {
    const spec = path.join(tmp, 'in-sync.json');
    const out = path.join(tmp, 'in-sync');
    await writeFile(spec, JSON.stringify(thingsSpec()));
    const written = await run(spec, '--out', out);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/^Wrote .*fish-audio\.ts/);
    const types = await readFile(path.join(out, 'fish-audio.ts'), 'utf8');
    expect(types).toContain("'/things/{id}': {");
    expect(await run(spec, '--check', '--out', out)).toMatchObject({ code: 0, stderr: '' });
  });

  it('--check writes nothing and resolves 1 with a diff when the spec changed', async () => {
    const spec = path.join(tmp, 'changed.json');
    const out = path.join(tmp, 'changed');
    await writeFile(spec, JSON.stringify(thingsSpec()));
    expect((await run(spec, '--out', out)).code).toBe(0);
    await writeFile(spec, JSON.stringify(thingsSpec(undefined, 'Balance')));
    const before = await readFile(path.join(out, 'fish-audio.ts'), 'utf8');

    const result = await run(spec, '--check', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Run `npm run generate`');
    expect(result.stderr).toMatch(/^-\s+\/\*\* Credit \*\/$/m);
    expect(result.stderr).toMatch(/^\+\s+\/\*\* Balance \*\/$/m);
    expect(await readFile(path.join(out, 'fish-audio.ts'), 'utf8')).toBe(before);
  });

  it('--check resolves 1 when a generated file is missing', async () => {
    const spec = path.join(tmp, 'missing.json');
    await writeFile(spec, JSON.stringify(thingsSpec()));
    const result = await run(spec, '--check', '--out', path.join(tmp, 'nowhere'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(missing)');
  });

  it('exits 2 with a one-line message, as a process, on a file that is not OpenAPI 3.x', async () => {
    const bad = path.join(tmp, 'swagger.json');
    await writeFile(bad, JSON.stringify({ swagger: '2.0', paths: {} }));
    const result = await runScript(ROOT, 'scripts/generate.ts', [bad, '--out', tmp]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^generate: .*not an OpenAPI 3\.x document.*\n$/);
  });
});

/**
 * src/generated/ as regenerated, unformatted, from the checked-in spec after `edit`, in memory
 * under this project's own paths: what a maintainer gets after editing the spec and running
 * `npm run generate`, without touching the checkout.
 */
async function regenerate(edit: (spec: any) => void): Promise<GeneratedFile[]> {
  const spec = await loadSpec(DEFAULT_SPEC);
  edit(spec);
  return generate(DEFAULT_SPEC, DEFAULT_OUT, { document: spec, format: false });
}

/** `files` as a map from path to contents, the form the in-process typecheck takes. */
const byPath = (files: GeneratedFile[]) =>
  Object.fromEntries(files.map((file) => [file.path, file.contents]));

/**
 * Two edits of GET api-credit, regenerated and compiled once together (a regeneration and a
 * compile of the client's types are most of this file's cost): a query parameter added, and
 * `credit` turned from a string into a number. Each test below reads only its edit's outcome.
 */
describe('spec edits, after regeneration alone', () => {
  const probe = path.join(ROOT, 'src', 'uses-new-param.ts');
  const typeTests = path.join(ROOT, 'test', 'types.test.ts');
  let files: GeneratedFile[];
  let compiled: ProcessResult;
  /** The compiler's lines about `file`: tsc prints each problem as `path(line,col): error`. */
  const problemsIn = (file: string) =>
    compiled.stdout.split('\n').filter((line) => line.startsWith(`${path.relative(ROOT, file)}(`));

  beforeAll(async () => {
    files = await regenerate((spec) => {
      const get = spec.paths[API_CREDIT].get;
      get.parameters.push({
        in: 'query',
        name: 'currency',
        required: false,
        schema: { type: 'string' },
      });
      get.responses['200'].content['application/json'].schema.properties.credit.type = 'number';
    });
    const code = [
      "import { FishAudio } from './index.js';",
      "const client = new FishAudio({ apiKey: 'k' });",
      "export const call = () => client.wallet.getApiCredit({ currency: 'EUR' });",
      '// @ts-expect-error the new parameter is a string',
      'export const bad = () => client.wallet.getApiCredit({ currency: 1 });',
      '',
    ].join('\n');
    compiled = await typecheckProbe({
      probe: [probe, typeTests],
      files: { ...byPath(files), [probe]: code },
    });
  });

  it('sends a parameter added to the spec on the wire, with no handwritten edit', async () => {
    // The real handwritten sources, bundled with the regenerated files in their place.
    const dir = await mkdtemp(path.join(tmpdir(), 'fish-audio-new-param-'));
    const server = await startServer();
    try {
      const mod = await importWith<typeof import('../src/index.js')>('src/index.ts', files, dir);
      // As the edited spec has it: `credit` is a number there.
      server.reply(200, apiCreditBody({ credit: 12.34 }));
      const client = new mod.FishAudio({ apiKey: 'k', baseUrl: server.url });
      // @ts-expect-error the checked-in types have no such parameter; the regenerated ones do
      await client.wallet.getApiCredit({ currency: 'EUR' });
      expect(server.requests[0]?.url).toBe('/wallet/self/api-credit?currency=EUR');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts a parameter added to the spec in the types, as its schema types it', () => {
    // Nothing about the probe: it compiles, and its `@ts-expect-error` is used.
    expect(problemsIn(probe)).toEqual([]);
    expect(compiled.stdout).not.toContain('uses-new-param');
  });

  it('fails the typecheck on a changed response type, through the type-level tests', async () => {
    expect(compiled.code).not.toBe(0);
    // The failure is reported at the assertion that pins `credit` to a string.
    const lines = (await readFile(typeTests, 'utf8')).split('\n');
    const pin = lines.findIndex((line) => line.includes("ApiCredit['credit']")) + 1;
    expect(
      problemsIn(typeTests).some((line) => line.startsWith(`test/types.test.ts(${pin},`)),
    ).toBe(true);
  });
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
  /** Generates from the one-operation spec after `edit`, in memory. */
  const generateWith = (edit: (operation: any) => void) =>
    generate(path.join(tmpdir(), 'things.json'), path.join(tmpdir(), 'things'), {
      document: thingsSpec(edit),
      format: false,
    });

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
