/**
 * The stand-in's self-check after a spec edit and a regeneration alone: it checks the bodies it
 * serves against the spec its src/generated/ was made from, so a drifted spec shows in a user's
 * tests. The stand-in is the real `src/` bundled with the regenerated files in place of
 * src/generated/ (test/helpers/bundle.ts). In the tooling project, whose workers already hold
 * the generator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT, DEFAULT_SPEC, generate } from '../scripts/generate.js';
import { loadSpec, type OpenAPIDocument } from '../scripts/lib/openapi.js';
import { importWith } from './helpers/bundle.js';

let tmp: string;
let checkedIn: OpenAPIDocument;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'fish-audio-stand-in-regenerated-'));
  checkedIn = await loadSpec(DEFAULT_SPEC);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/**
 * The stand-in regenerated from the checked-in spec's wallet paths after `edit` changed the
 * api-credit 200 schema. The other paths are left out: a smaller spec generates in a fraction
 * of the time, and the stand-in checks its bodies the same way whatever the spec holds.
 */
async function standInAfter(
  edit: (schema: Record<string, any>) => void,
): Promise<typeof import('../src/testing/index.js').startStandIn> {
  const spec = structuredClone(checkedIn) as Record<string, any>;
  spec.paths = Object.fromEntries(
    Object.entries(spec.paths).filter(([route]) => route.startsWith('/wallet/')),
  );
  edit(
    spec.paths['/wallet/{user_id}/api-credit'].get.responses['200'].content['application/json']
      .schema,
  );
  // Only bundled, never read: formatting would add nothing but time.
  const document = spec as OpenAPIDocument;
  const files = await generate(DEFAULT_SPEC, DEFAULT_OUT, { format: false, document });
  const testing = await importWith<typeof import('../src/testing/index.js')>(
    'src/testing/index.ts',
    files,
    tmp,
  );
  return testing.startStandIn;
}

describe("the stand-in's self-check after a spec edit", () => {
  it('refuses to start when a default body no longer matches the spec', async () => {
    const start = await standInAfter((schema) => schema.required.push('brand_new_required'));
    await expect(start()).rejects.toThrow('/brand_new_required: expected required property');
  });

  it('answers 500 and fails close() when a body it would serve does not match the spec', async () => {
    const start = await standInAfter((schema) => (schema.properties.user_id.maxLength = 20));
    const api = await start();
    const headers = { Authorization: `Bearer ${api.apiKey}` };
    const response = await fetch(`${api.url}/wallet/${'x'.repeat(30)}/api-credit`, { headers });
    expect(response.status).toBe(500);
    expect((await response.json()).message).toMatch(/^stand-in self-check: .*\/user_id/);
    await expect(api.close()).rejects.toThrow(
      /The stand-in served bodies that do not match the spec/,
    );
  });
});
