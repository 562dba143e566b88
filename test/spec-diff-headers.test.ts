/** Response headers (issue 19): removed, added, made (not) required, and their schemas. */
import { describe, expect, it } from 'vitest';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';

type Headers = Record<string, unknown>;

/** `GET /t` answering 200 with `headers`; `X-Shared` is a reusable header component. */
function doc(headers: Headers): OpenAPIDocument {
  return {
    openapi: '3.1.0',
    paths: { '/t': { get: { responses: { '200': { description: 'ok', headers } } } } },
    components: {
      headers: { 'X-Shared': { required: true, schema: { type: 'string' } } },
    },
  } as OpenAPIDocument;
}

function changes(before: Headers, after: Headers): Change[] {
  return diffSpecs(doc(before), doc(after)).operations.flatMap((operation) => operation.changes);
}

const header = (required: boolean, type = 'integer') => ({ required, schema: { type } });

describe('response headers', () => {
  it.each<[string, Headers, Headers, { kind: string; level: Level }[]]>([
    [
      'a required header removed breaks readers',
      { 'X-Request-Id': header(true) },
      {},
      [{ kind: 'response-header-removed', level: 'breaking' }],
    ],
    [
      'a required header behind a $ref removed breaks readers',
      { 'X-Shared': { $ref: '#/components/headers/X-Shared' } },
      {},
      [{ kind: 'response-header-removed', level: 'breaking' }],
    ],
    [
      'an optional header removed is a warning',
      { 'Retry-After': header(false) },
      {},
      [{ kind: 'response-header-removed', level: 'warning' }],
    ],
    [
      'a required header added is info',
      {},
      { 'X-Request-Id': header(true) },
      [{ kind: 'response-header-added', level: 'info' }],
    ],
    [
      'a required header made optional breaks readers',
      { 'X-Request-Id': header(true) },
      { 'X-Request-Id': header(false) },
      [{ kind: 'response-header-became-optional', level: 'breaking' }],
    ],
    [
      'an optional header made required is info',
      { 'X-Request-Id': header(false) },
      { 'X-Request-Id': header(true) },
      [{ kind: 'response-header-became-required', level: 'info' }],
    ],
    [
      "a header's type changed breaks readers",
      { 'Retry-After': header(false, 'integer') },
      { 'Retry-After': header(false, 'string') },
      [{ kind: 'type-changed', level: 'breaking' }],
    ],
  ])('%s', (_, before, after, expected) => {
    expect(changes(before, after)).toMatchObject(expected);
  });

  it.each<[string, Headers, Headers]>([
    ['a header renamed only in letter case', { 'X-Id': header(true) }, { 'x-id': header(true) }],
    [
      'a Content-Type entry removed (OpenAPI ignores it)',
      { 'Content-Type': header(true, 'string') },
      {},
    ],
  ])('reports no change for %s', (_, before, after) => {
    expect(changes(before, after)).toEqual([]);
  });

  it('names the status and the header in the message', () => {
    expect(changes({ 'X-Request-Id': header(true) }, {})[0]!.message).toBe(
      'response 200: header "X-Request-Id" removed (required)',
    );
  });
});
