/**
 * A parameter's `default` changed (issue 19): it matters only to a caller that may leave the
 * parameter out, so its level follows whether the parameter was and is required.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';
import { ROOT } from './helpers/project-copy.js';

/** `GET /t` with a header parameter `model` and, in the 200 body, a property with a default. */
function doc(required: boolean, value: string): OpenAPIDocument {
  const schema = { type: 'string', default: value };
  return {
    openapi: '3.1.0',
    paths: {
      '/t': {
        get: {
          parameters: [{ in: 'header', name: 'model', required, schema }],
          responses: {},
        },
      },
    },
  } as OpenAPIDocument;
}

function defaultChanges(before: OpenAPIDocument, after: OpenAPIDocument): Change[] {
  return diffSpecs(before, after)
    .operations.flatMap((operation) => operation.changes)
    .filter((c) => c.kind === 'default-changed');
}

describe('default-changed on a parameter', () => {
  it.each<[string, boolean, boolean, Level]>([
    [
      'optional before and after: breaking (omitting it now means something else)',
      false,
      false,
      'breaking',
    ],
    ['required before and after: info (every caller sends it)', true, true, 'info'],
    ['optional -> required: info (the new requirement is the break)', false, true, 'info'],
    [
      'required -> optional: a warning (a caller that starts to omit it gets the new default)',
      true,
      false,
      'warning',
    ],
  ])('is %s', (_, wasRequired, isRequired, level) => {
    const found = defaultChanges(doc(wasRequired, 'free'), doc(isRequired, 'paid'));
    expect(found).toMatchObject([{ kind: 'default-changed', level, audience: 'callers' }]);
  });

  it('keeps the upstream TTS model header, required -> optional with the default moving from the free model to the paid one, a warning and not a break', () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'upstream', 'openapi-2026-08-19.json');
    const after = JSON.parse(readFileSync(file, 'utf8')) as OpenAPIDocument;
    const before = structuredClone(after);
    // As before 2026-08-04: the header required, its default the free model.
    const post = (before.paths!['/v1/tts'] as { post: { parameters: Record<string, unknown>[] } })
      .post;
    const model = post.parameters.find((parameter) => parameter.name === 'model')!;
    model.required = true;
    (model.schema as Record<string, unknown>).default = 's2.1-pro-free';
    const report = diffSpecs(before, after);
    expect(report.breaking).toBe(false);
    expect(report.operations.find((o) => o.key === 'POST /v1/tts')!.changes).toMatchObject([
      { kind: 'parameter-became-optional', level: 'info' },
      { kind: 'default-changed', level: 'warning' },
    ]);
  });
});
