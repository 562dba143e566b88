/**
 * Live contract check: calls the real API once per operation that needs no input, and compares
 * each 2xx body with the checked-in spec. Drift (a body the spec does not describe) fails the
 * run; properties the API sends that the spec does not list are reported for information.
 *
 *   FISH_API_KEY=... npm run contract:live            # against https://api.fish.audio
 *   FISH_BASE_URL=http://127.0.0.1:8080 ...            # against a proxy or a stand-in
 *
 * Without FISH_API_KEY it prints one line and exits 0, so it is safe to run anywhere.
 * Exit codes: 0 no drift, 1 drift or an API error. The key is never printed.
 */
import path from 'node:path';
import { DEFAULTS, FishAudio, type OperationKey } from '../src/index.js';
import { operationFor, operationKeys } from '../src/operations.js';
import { formatMismatches, validateResponse } from '../src/validate.js';
import { escapePointer } from './lib/json.js';
import { runMain } from './lib/main.js';
import { deref, loadSpec, type OpenAPIDocument } from './lib/openapi.js';
import { ROOT } from './lib/root.js';
import type { Io } from './spec-diff.js';

const SPEC = path.join(ROOT, 'openapi', 'fish-audio.yaml');

type Schema = Record<string, unknown>;

/** Operations the check can call without inventing input: GETs whose parameters all may be left out. */
function probedOperations(): string[] {
  return operationKeys.filter((key) => {
    const { method, parameters } = operationFor(key);
    const needsInput = Object.values(parameters).some((p) => p.required && p.default === undefined);
    return method === 'GET' && !needsInput;
  });
}

/**
 * Pointers to properties in `value` that `schema` does not list, looking into nested objects
 * and arrays. A schema that lists no properties (a free-form object) hides nothing.
 */
function undocumentedProperties(
  doc: OpenAPIDocument,
  schema: unknown,
  value: unknown,
  pointer = '',
): string[] {
  const resolved = deref<Schema>(doc, (schema ?? {}) as Schema);
  if (Array.isArray(value)) {
    const items = itemSchemas(doc, resolved);
    return value.flatMap((item, i) =>
      items.flatMap((s) => undocumentedProperties(doc, s, item, `${pointer}/${i}`)),
    );
  }
  if (typeof value !== 'object' || value === null) return [];
  const listed = listedProperties(doc, resolved);
  if (!listed) return [];
  return Object.entries(value).flatMap(([name, inner]) => {
    const at = `${pointer}/${escapePointer(name)}`;
    return Object.hasOwn(listed, name)
      ? undocumentedProperties(doc, listed[name], inner, at)
      : [at];
  });
}

/** The properties a schema and its `allOf`/`anyOf`/`oneOf` parts list, or `undefined` if none do. */
function listedProperties(
  doc: OpenAPIDocument,
  schema: Schema,
): Record<string, unknown> | undefined {
  let listed: Record<string, unknown> | undefined;
  for (const part of [schema, ...variants(doc, schema)]) {
    if (typeof part.properties === 'object' && part.properties !== null) {
      listed = { ...listed, ...(part.properties as Record<string, unknown>) };
    }
  }
  return listed;
}

function itemSchemas(doc: OpenAPIDocument, schema: Schema): unknown[] {
  return [schema, ...variants(doc, schema)].flatMap((part) => (part.items ? [part.items] : []));
}

function variants(doc: OpenAPIDocument, schema: Schema): Schema[] {
  const parts = [schema.allOf, schema.anyOf, schema.oneOf].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  return parts.map((part) => deref<Schema>(doc, part as Schema));
}

/** The documented JSON schema of one status of an operation, if the spec has one. */
function responseSchema(doc: OpenAPIDocument, key: string, status: number): unknown {
  const { method, path: route } = operationFor(key);
  const operation = (doc.paths?.[route] as Record<string, Schema> | undefined)?.[
    method.toLowerCase()
  ];
  const responses = (operation?.responses ?? {}) as Record<string, unknown>;
  const response = deref<Schema>(
    doc,
    (responses[String(status)] ?? responses['2XX'] ?? {}) as Schema,
  );
  const content = (response.content ?? {}) as Record<string, Schema>;
  return content['application/json']?.schema;
}

/** The variables the check reads. */
export interface ContractLiveEnv {
  FISH_API_KEY?: string | undefined;
  FISH_BASE_URL?: string | undefined;
}

/**
 * The command: resolves to the exit code (0 no drift or skipped, 1 drift or an API error).
 * Reads its settings from `env` and prints to `io`, so tests run it in-process.
 */
export async function contractLive(
  env: ContractLiveEnv = process.env,
  io: Io = process,
): Promise<number> {
  const apiKey = env.FISH_API_KEY?.trim();
  if (!apiKey) {
    io.stdout.write('skipped: set FISH_API_KEY to run the live contract check\n');
    return 0;
  }
  // Whatever is printed goes through this, so a key echoed by a server or an error is hidden.
  const say = (line: string) => io.stdout.write(line.split(apiKey).join('***') + '\n');

  const baseUrl = env.FISH_BASE_URL?.trim() || DEFAULTS.baseUrl;
  let client: FishAudio;
  try {
    // The client's own check would throw at the first mismatch; this script lists them all.
    client = new FishAudio({ apiKey, baseUrl, maxRetries: 1, validateResponses: 'off' });
  } catch (error) {
    say(`error: ${(error as Error).message}`);
    return 1;
  }
  let doc: OpenAPIDocument;
  try {
    doc = await loadSpec(SPEC);
  } catch (error) {
    say(`error: ${(error as Error).message}`);
    return 1;
  }
  say(`Live contract check against ${client.baseUrl} (spec ${path.relative(process.cwd(), SPEC)})`);

  let failed = false;
  for (const key of probedOperations()) {
    let result: { data: unknown; response: { status: number } };
    try {
      result = await client.request(key as OperationKey).withResponse();
    } catch (error) {
      // One line: the message already names the status and the server's own words.
      const { name, message } = error as Error;
      say(`${key}: ${name}: ${message.replace(/\s+/g, ' ')}`);
      failed = true;
      continue;
    }
    const { data, response } = result;
    const drift = await validateResponse(key as OperationKey, response.status, data);
    if (drift.length === 0) {
      say(`${key}: ${response.status}, no drift`);
    } else {
      failed = true;
      say(`${key}: ${response.status}, drift: ${drift.length} mismatch(es) with the spec`);
      for (const m of drift) say(`  ${formatMismatches([m])}`);
    }
    const extra = undocumentedProperties(doc, responseSchema(doc, key, response.status), data);
    if (extra.length > 0) say(`  not in the spec (informational): ${extra.join(', ')}`);
  }
  say(failed ? 'result: drift or errors found' : 'result: no drift');
  return failed ? 1 : 0;
}

runMain(import.meta.url, 'contract:live', () => contractLive());
