/**
 * Redaction replaces the key only where it stands as a whole token (not inside a longer run of
 * letters, digits, `-`, `_`, `.` or `~`), or percent-encoded. Innocent text is never altered,
 * even when the key is a single common letter. A key echoed base64-encoded (standard or
 * URL-safe, alone, after `Bearer `, or anywhere inside a longer base64 run) is redacted too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  FishAudio,
  InvalidResponseError,
  PaymentRequiredError,
  UnprocessableEntityError,
  type APIError,
} from '../../src/index.js';
import { redactor } from '../../src/redact.js';
import type { HttpReply } from '../helpers/http-server.js';
import {
  apiCreditBody,
  expectNoSecret,
  failure,
  FAST,
  REDACTED,
  useHttpServer,
} from './support.js';

const server = useHttpServer();
const clientWithKey = (apiKey: string) => new FishAudio({ apiKey, baseUrl: server.url, ...FAST });

describe("a one-letter key 'e'", () => {
  it('leaves a 402 message "Check your credit" unchanged in the error', async () => {
    server.setDefault({ status: 402, json: { status: 402, message: 'Check your credit' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect((error as APIError).body).toEqual({ status: 402, message: 'Check your credit' });
    expect((error as Error).message).toContain('Check your credit');
    expect((error as Error).message).not.toContain(REDACTED);
  });

  it('leaves 422 details unchanged in body, details and message', async () => {
    const details = [{ loc: ['query', 'team_id'], type: 'x', msg: 'Field required' }];
    server.setDefault({ status: 422, json: details });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).details).toEqual(details);
    expect((error as APIError).body).toEqual(details);
    expect((error as Error).message).toContain('Field required');
    expect((error as Error).message).not.toContain(REDACTED);
  });

  it('leaves the spec wording of an InvalidResponseError unchanged', async () => {
    server.setDefault({ json: apiCreditBody({ credit: 5 }) });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('expected type string');
    expect((error as InvalidResponseError).mismatches).toEqual([
      { pointer: '/credit', expected: 'type string', actual: 'number 5' },
    ]);
    expect((error as InvalidResponseError).body).toEqual(apiCreditBody({ credit: 5 }));
  });

  it('redacts "Bearer e" where the key stands as a whole token', async () => {
    server.setDefault({ status: 400, json: { status: 400, message: 'you sent Bearer e' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect((error as APIError).body).toEqual({
      status: 400,
      message: `you sent Bearer ${REDACTED}`,
    });
  });

  it('redacts a JSON string that is exactly the key', async () => {
    server.setDefault({ status: 400, json: { status: 400, message: 'Bad', token: 'e' } });
    const error = await failure(() => clientWithKey('e').wallet.getApiCredit());
    expect((error as APIError).body).toEqual({ status: 400, message: 'Bad', token: REDACTED });
  });
});

describe("the whole-token rule, with the key 'abc'", () => {
  it.each([
    ['abc', REDACTED],
    ['Bearer abc', `Bearer ${REDACTED}`],
    ['"abc"', `"${REDACTED}"`],
    ['key=abc&x=1', `key=${REDACTED}&x=1`],
    ['(abc)', `(${REDACTED})`],
    ['Bearer%20abc', `Bearer%20${REDACTED}`],
    ['abcd', 'abcd'],
    ['xabc', 'xabc'],
    ['x-abc', 'x-abc'],
    ['abc_1', 'abc_1'],
    ['v1.abc.2', 'v1.abc.2'],
    ['~abc', '~abc'],
    ['ABC', 'ABC'],
    // base64: only a whole token that is exactly the key's (or "Bearer abc"'s) encoding.
    ['YWJj', REDACTED],
    ['Basic QmVhcmVyIGFiYw==', `Basic ${REDACTED}`],
    ['YWJjZA==', 'YWJjZA=='],
  ])('turns the message %j into %j', async (message, expected) => {
    server.setDefault({ status: 400, json: { status: 400, message } });
    const error = await failure(() => clientWithKey('abc').wallet.getApiCredit());
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).body).toEqual({ status: 400, message: expected });
  });
});

// '~', '?' and '>' put '+' and '/' into this key's base64 (and '-' and '_' into its base64url).
const KEY64 = 'sk-hostile~0123?4567~89ab?cdef>x';
const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * What must not survive: the raw key, and the inner part of its base64 and base64url encodings
 * at each of the three byte offsets it can have in a longer encoded text (the ends are left
 * out: there the key's bits mix with its neighbours').
 */
function encodedForms(key: string): string[] {
  const forms = [key];
  for (const offset of [0, 1, 2]) {
    const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(key)]);
    for (const alphabet of ['base64', 'base64url'] as const) {
      forms.push(bytes.toString(alphabet).slice(4, -4));
    }
  }
  return forms;
}

/** A request dump, base64-encoded, in which the key's bytes start at `offset` (mod 3). */
function encodedDump(offset: number): string {
  for (const pad of ['', 'x', 'xx']) {
    const dump = JSON.stringify({
      method: 'GET',
      pad,
      headers: { authorization: `Bearer ${KEY64}` },
      retry: 2,
    });
    if (dump.indexOf(KEY64) % 3 === offset) return base64(dump);
  }
  throw new Error('unreachable: three pads cover three offsets');
}

/** Each encoding, and the alphabet it must show so that the row tests what it names. */
const ENCODINGS: Array<[string, string, RegExp]> = [
  ['base64 of "Bearer <key>"', base64(`Bearer ${KEY64}`), /[+/]/],
  ['base64 of the key', base64(KEY64), /[+/]/],
  ['base64url of "Bearer <key>"', base64url(`Bearer ${KEY64}`), /[-_]/],
  ['base64url of the key', base64url(KEY64), /[-_]/],
  ['the key at byte 3n of a base64 dump', encodedDump(0), /[+/]/],
  ['the key at byte 3n+1 of a base64 dump', encodedDump(1), /[+/]/],
  ['the key at byte 3n+2 of a base64 dump', encodedDump(2), /[+/]/],
];

/** Each place a server can put the echo, and where the redacted text then is. */
const PLACES: Array<[string, (echo: string) => HttpReply, (error: unknown) => string]> = [
  [
    'the message quoting a plain-text body',
    (echo) => ({
      status: 401,
      headers: { 'content-type': 'text/plain' },
      body: `Unauthorized: ${echo}`,
    }),
    (error) => {
      expect(error).toBeInstanceOf(AuthenticationError);
      return (error as Error).message;
    },
  ],
  [
    'a response header value',
    (echo) => ({
      status: 401,
      headers: { 'x-echo': `Basic ${echo}` },
      json: { status: 401, message: 'no' },
    }),
    (error) => {
      expect(error).toBeInstanceOf(AuthenticationError);
      return (error as APIError).headers.get('x-echo') ?? '';
    },
  ],
  [
    'a JSON string value',
    (echo) => ({ status: 400, json: { status: 400, message: 'Bad', request: { dump: echo } } }),
    (error) => {
      expect(error).toBeInstanceOf(BadRequestError);
      const body = (error as APIError).body as { message: string; request: { dump: string } };
      expect(body.message).toBe('Bad');
      return body.request.dump;
    },
  ],
];

describe('a key echoed base64-encoded', () => {
  const cases = ENCODINGS.flatMap(([encoding, echo, alphabet]) =>
    PLACES.map(
      ([place, reply, read]) => [encoding, place, { echo, alphabet, reply, read }] as const,
    ),
  );

  it.each(cases)(
    'keeps %s out of %s',
    async (_encoding, _place, { echo, alphabet, reply, read }) => {
      expect(echo).toMatch(alphabet);
      server.setDefault(reply(echo));
      const client = new FishAudio({ apiKey: KEY64, baseUrl: server.url, ...FAST, maxRetries: 0 });
      const error = await failure(() => client.wallet.getApiCredit());
      expect(read(error)).toContain(REDACTED);
      expectNoSecret(error, ...encodedForms(KEY64));
    },
  );

  it('finds the key base64-encoded at any byte offset of a longer encoded text', () => {
    const redact = redactor(KEY64);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom<BufferEncoding>('base64', 'base64url'),
        (before, after, alphabet) => {
          const bytes = Buffer.concat([before, Buffer.from(KEY64), after]);
          const text = redact.text(`echo ${bytes.toString(alphabet)} end`);
          expect(text).toMatch(/^echo .*\[redacted\].* end$/);
          for (const form of encodedForms(KEY64)) expect(text).not.toContain(form);
        },
      ),
    );
  });

  it('redacts base64 whose slashes a JSON encoder escaped as \\/, in a body kept as text', () => {
    const echo = base64(`Bearer ${KEY64}`).replaceAll('/', '\\/');
    expect(echo).toContain('\\/');
    const text = redactor(KEY64).text(`{"echo":"${echo}"}`);
    const parsed = (JSON.parse(text) as { echo: string }).echo;
    expect(parsed).toContain(REDACTED);
    for (const form of encodedForms(KEY64)) expect(parsed).not.toContain(form);
  });

  it('finds the raw key at any offset of a longer text', () => {
    const redact = redactor(KEY64);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (before, after) => {
        expect(redact.text(before + KEY64 + after)).not.toContain(KEY64);
      }),
    );
  });
});

describe('text without the key, with a base64-aware redactor', () => {
  const redact = redactor(KEY64);
  // Deterministic bytes that look like audio: no run of them is the key's encoding.
  const audio = Buffer.from(Array.from({ length: 6144 }, (_, i) => (i * 2654435761) >>> 24));

  it.each([
    [
      'base64 of a key that differs only in its last character',
      base64(`Bearer ${KEY64.slice(0, -1)}y`),
    ],
    ['base64 of the key without its last 8 characters', base64(KEY64.slice(0, -8))],
    [
      '6 KB of base64 audio, in both alphabets',
      `${audio.toString('base64')} ${audio.toString('base64url')}`,
    ],
    [
      'prose with escapes and a Basic header',
      'Sent 100% \\u0041 "Basic dXNlcjpwYXNzd29yZA==" to /v1/tts.',
    ],
  ])('leaves %s unchanged', (_what, text) => {
    expect(redact.text(text)).toBe(text);
  });

  it('returns a JSON value and headers without the key as the same objects', () => {
    const value = {
      audio_base64: audio.toString('base64'),
      alignment: { segments: [{ text: 'Hi' }] },
    };
    const headers = new Headers({ 'x-request-id': 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' });
    expect(redact.value(value)).toBe(value);
    expect(redact.headers(headers)).toBe(headers);
  });
});

describe('the cheap test of whether text may hold the key (holds)', () => {
  const redact = redactor(KEY64);
  const escaped = [...KEY64].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const forms = [KEY64, encodeURIComponent(KEY64), escaped.join(''), ...encodedForms(KEY64)];

  it('is true of every text that redaction changes, so skipping the rest is safe', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.option(fc.constantFrom(...forms), { nil: '' }),
        fc.string({ maxLength: 100 }),
        (before, form, after) => {
          const text = before + form + after;
          if (redact.text(text) !== text) expect(redact.holds(text)).toBe(true);
        },
      ),
    );
  });

  it.each([
    ['the raw key', KEY64],
    ['the key percent-encoded', encodeURIComponent(KEY64)],
    ['the key as JSON \\u escapes', escaped.join('')],
    ['base64 of "Bearer <key>"', base64(`Bearer ${KEY64}`)],
  ])('is true of a text holding %s, which redaction changes', (_what, form) => {
    const text = `{"echo":"${form}"}`;
    expect(redact.text(text)).not.toBe(text);
    expect(redact.holds(text)).toBe(true);
  });

  it('is false of base64 audio and of prose without escapes, the happy path', () => {
    const audio = Buffer.from(Array.from({ length: 6144 }, (_, i) => (i * 2654435761) >>> 24));
    expect(redact.holds(`{"audio_base64":"${audio.toString('base64')}","chunk_seq":3}`)).toBe(
      false,
    );
    expect(redact.holds('The quick brown fox jumps over the lazy dog.')).toBe(false);
  });

  it('is false of everything for a client without a key', () => {
    expect(redactor(null).holds(KEY64)).toBe(false);
  });
});
