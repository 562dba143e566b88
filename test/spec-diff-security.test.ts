/**
 * Auth changes (issue 19): the `security` that applies to an operation, its own or the
 * document's, compared by what each scheme asks a client to send.
 */
import { describe, expect, it } from 'vitest';
import type { Change, Level } from '../scripts/lib/diff-model.js';
import { diffSpecs } from '../scripts/lib/diff-operations.js';
import type { OpenAPIDocument } from '../scripts/lib/openapi.js';

type Requirement = Record<string, string[]>;

interface Auth {
  /** The document's `security`; left out when undefined. */
  global?: Requirement[];
  /** The operation's `security`; left out when undefined. */
  own?: Requirement[];
  /** `components.securitySchemes`; bearer as `Bearer`, an API key as `Key` by default. */
  schemes?: Record<string, unknown>;
}

const SCHEMES = {
  Bearer: { type: 'http', scheme: 'bearer' },
  Key: { type: 'apiKey', in: 'header', name: 'X-Key' },
  OAuth: {
    type: 'oauth2',
    flows: { clientCredentials: { tokenUrl: 'https://auth.invalid/token', scopes: {} } },
  },
};

/** A document with one operation, `GET /t`, and the given auth. */
function doc({ global, own, schemes = SCHEMES }: Auth): OpenAPIDocument {
  return {
    openapi: '3.1.0',
    ...(global ? { security: global } : {}),
    paths: { '/t': { get: { ...(own ? { security: own } : {}), responses: {} } } },
    components: { securitySchemes: schemes },
  } as OpenAPIDocument;
}

function changes(before: Auth, after: Auth): Change[] {
  return diffSpecs(doc(before), doc(after)).operations.flatMap((operation) => operation.changes);
}

const bearer = [{ Bearer: [] }];
const key = [{ Key: [] }];

describe('security requirements, global and per operation', () => {
  it.each<[string, Auth, Auth, { kind: string; level: Level }[]]>([
    [
      'none -> bearer on the operation breaks callers',
      {},
      { own: bearer },
      [{ kind: 'security-added', level: 'breaking' }],
    ],
    [
      'a global bearer requirement added breaks callers',
      {},
      { global: bearer },
      [{ kind: 'security-added', level: 'breaking' }],
    ],
    [
      'an operation that opted out ([]) now under the global bearer breaks callers',
      { global: bearer, own: [] },
      { global: bearer },
      [{ kind: 'security-added', level: 'breaking' }],
    ],
    [
      'bearer -> API key breaks callers, and names the new scheme',
      { own: bearer },
      { own: key },
      [
        { kind: 'security-requirement-removed', level: 'breaking' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
    [
      'global bearer -> global API key breaks callers',
      { global: bearer },
      { global: key },
      [
        { kind: 'security-requirement-removed', level: 'breaking' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
    [
      'an API key required with the bearer token breaks callers',
      { own: bearer },
      { own: [{ Bearer: [], Key: [] }] },
      [
        { kind: 'security-requirement-removed', level: 'breaking' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
    [
      'an OAuth2 scope required in addition breaks callers',
      { own: [{ OAuth: ['read'] }] },
      { own: [{ OAuth: ['read', 'write'] }] },
      [
        { kind: 'security-requirement-removed', level: 'breaking' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
    [
      'an API key offered as an alternative to bearer is not breaking',
      { own: bearer },
      { own: [...bearer, ...key] },
      [{ kind: 'security-requirement-added', level: 'info' }],
    ],
    [
      'a second scheme no longer required with bearer is not breaking',
      { own: [{ Bearer: [], Key: [] }] },
      { own: bearer },
      [
        { kind: 'security-requirement-removed', level: 'info' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
    [
      'security removed is not breaking',
      { global: bearer },
      {},
      [{ kind: 'security-removed', level: 'info' }],
    ],
    [
      'the bearer scheme redefined as an API key under the same name breaks callers',
      { own: bearer },
      { own: bearer, schemes: { ...SCHEMES, Bearer: SCHEMES.Key } },
      [
        { kind: 'security-requirement-removed', level: 'breaking' },
        { kind: 'security-requirement-added', level: 'info' },
      ],
    ],
  ])('%s', (_, before, after, expected) => {
    expect(changes(before, after)).toMatchObject(expected);
  });

  it.each<[string, Auth, Auth]>([
    [
      'a bearer scheme renamed in components',
      { own: bearer },
      { own: [{ Token: [] }], schemes: { Token: SCHEMES.Bearer } },
    ],
    [
      'the operation restating the global requirement',
      { global: bearer },
      { global: bearer, own: bearer },
    ],
    [
      'an API key header renamed only in letter case',
      { own: key },
      { own: key, schemes: { ...SCHEMES, Key: { ...SCHEMES.Key, name: 'x-key' } } },
    ],
  ])('reports no change for %s', (_, before, after) => {
    expect(changes(before, after)).toEqual([]);
  });

  it('says which schemes a change is about, in words', () => {
    expect(changes({ own: bearer }, { own: key }).map((c) => c.message)).toEqual([
      'security requirement removed: HTTP bearer',
      'security requirement added: API key in header "x-key"',
    ]);
  });

  it('fails the spec-diff gate on a security change that breaks callers', () => {
    expect(diffSpecs(doc({}), doc({ global: bearer })).breaking).toBe(true);
  });
});
