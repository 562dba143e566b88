/**
 * Odd responses written byte by byte: a response that arrived is never reported as a
 * connection failure; each one ends as the typed outcome its status and body call for.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  FishAudioError,
  InternalServerError,
  InvalidResponseError,
} from '../../src/index.js';
import { useFakeClock } from '../helpers/clock.js';
import { rawChunked, rawHead, type Reply } from '../helpers/http-server.js';
import { apiCreditBody, clientFor, failure, useHttpServer } from './support.js';

const server = useHttpServer();
const OK_TEXT = JSON.stringify(apiCreditBody());
const ERROR_TEXT = JSON.stringify({ status: 500, message: 'kaputt' });
const JSON_TYPE: [string, string] = ['content-type', 'application/json'];

/** A raw response with `statusLine`, framed plainly, chunked or gzip-compressed. */
function framed(statusLine: string, text: string, framing: string): Reply {
  switch (framing) {
    case 'chunked':
      return {
        raw: [rawHead(statusLine, [JSON_TYPE, ['transfer-encoding', 'chunked']]), rawChunked(text)],
      };
    case 'gzip': {
      const packed = gzipSync(text);
      return {
        raw: [
          rawHead(statusLine, [
            JSON_TYPE,
            ['content-encoding', 'gzip'],
            ['content-length', String(packed.length)],
          ]),
          packed,
        ],
      };
    }
  }
  return {
    raw: [
      rawHead(statusLine, [JSON_TYPE, ['content-length', String(Buffer.byteLength(text))]]),
      text,
    ],
  };
}

describe('a reason phrase with non-ASCII characters', () => {
  it.each(['plain', 'chunked', 'gzip'])('on a %s 200 still returns the body', async (framing) => {
    server.setDefault(framed('HTTP/1.1 200 Ökay', OK_TEXT, framing));
    const { data, response } = await clientFor(server).wallet.getApiCredit().withResponse();
    expect(response.status).toBe(200);
    expect(data.credit).toBe('12.3400');
  });

  it.each(['plain', 'chunked', 'gzip'])(
    'on a %s 500 is an InternalServerError, never a connection error',
    async (framing) => {
      server.setDefault(framed('HTTP/1.1 500 Fehler ü', ERROR_TEXT, framing));
      const error = await failure(() => clientFor(server).wallet.getApiCredit());
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).not.toBeInstanceOf(APIConnectionError);
      expect((error as APIError).body).toEqual({ status: 500, message: 'kaputt' });
      expect((error as APIError).attempts).toBe(3);
    },
  );
});

describe('status lines and framing', () => {
  it('skips a 103 Early Hints and returns the 200 after it', async () => {
    server.setDefault({
      raw: [
        rawHead('HTTP/1.1 103 Early Hints', [['link', '</x>; rel=preload']]),
        rawHead('HTTP/1.1 200 OK', [JSON_TYPE, ['content-length', String(OK_TEXT.length)]]),
        OK_TEXT,
      ],
    });
    expect((await clientFor(server).wallet.getApiCredit()).credit).toBe('12.3400');
  });

  it('accepts an empty reason phrase', async () => {
    server.setDefault(framed('HTTP/1.1 200 ', OK_TEXT, 'plain'));
    expect((await clientFor(server).wallet.getApiCredit()).credit).toBe('12.3400');
  });

  it('reads an HTTP/1.0 body that ends when the connection closes', async () => {
    server.setDefault({ raw: [rawHead('HTTP/1.0 200 OK', [JSON_TYPE]), OK_TEXT] });
    expect((await clientFor(server).wallet.getApiCredit()).credit).toBe('12.3400');
  });

  it('gives status 600 as a plain APIError, not retried and not an InternalServerError', async () => {
    server.setDefault(framed('HTTP/1.1 600 Beyond', ERROR_TEXT, 'plain'));
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(InternalServerError);
    expect((error as APIError).status).toBe(600);
    expect((error as APIError).attempts).toBe(1);
    expect(server.count()).toBe(1);
  });

  it.each<[string, Reply]>([
    ['a two-digit status 99', framed('HTTP/1.1 99 Weird', '{}', 'plain')],
    ['an SSH banner instead of HTTP', { raw: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [
      'two different Content-Length headers',
      {
        raw: [
          rawHead('HTTP/1.1 200 OK', [
            JSON_TYPE,
            ['content-length', '10'],
            ['content-length', '20'],
          ]),
          OK_TEXT,
        ],
      },
    ],
    ['a 100 KiB header', { json: apiCreditBody(), headers: { 'x-big': 'a'.repeat(100 * 1024) } }],
  ])('turns %s into a FishAudioError that counts the requests made', async (_what, reply) => {
    server.setDefault(reply);
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(FishAudioError);
    expect((error as { attempts?: unknown }).attempts).toBe(server.count());
    expect(server.count()).toBeGreaterThanOrEqual(1);
  });
});

describe('bodies that are not what a 2xx promises', () => {
  it.each<[string, Reply]>([
    ['a 0-byte 200', { headers: { 'content-length': '0' }, body: '' }],
    ['a 204', { status: 204 }],
    [
      'an HTML 200',
      { headers: { 'content-type': 'text/html' }, body: '<html><body>Login</body></html>' },
    ],
    ['a JSON null', { headers: { 'content-type': 'application/json' }, body: 'null' }],
    ['a JSON array', { headers: { 'content-type': 'application/json' }, body: '[]' }],
    ['a JSON string', { headers: { 'content-type': 'application/json' }, body: '"12.34"' }],
    ['a JSON number', { headers: { 'content-type': 'application/json' }, body: '12.34' }],
    [
      'truncated JSON',
      { headers: { 'content-type': 'application/json' }, body: OK_TEXT.slice(0, 30) },
    ],
    [
      'a Content-Length shorter than the body',
      { raw: [rawHead('HTTP/1.1 200 OK', [JSON_TYPE, ['content-length', '10']]), OK_TEXT] },
    ],
  ])('refuses %s with an InvalidResponseError after one attempt', async (_what, reply) => {
    server.setDefault(reply);
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError & { attempts: number }).attempts).toBe(1);
    expect(server.count()).toBe(1);
  });

  it('keeps the text of an HTML 200 as the error body', async () => {
    const html = '<html><body>Login</body></html>';
    server.setDefault({ headers: { 'content-type': 'text/html' }, body: html });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect((error as InvalidResponseError).body).toBe(html);
  });

  it.each<[string, Reply]>([
    [
      'a Content-Length longer than the body, then a close',
      { raw: [rawHead('HTTP/1.1 200 OK', [JSON_TYPE, ['content-length', '4000']]), OK_TEXT] },
    ],
    [
      'a chunked body cut off by a reset',
      {
        headers: { 'content-type': 'application/json' },
        chunks: [OK_TEXT.slice(0, 40)],
        then: 'reset',
      },
    ],
    ['a socket closed before any byte', { reset: true }],
  ])('retries %s as a connection failure, three attempts', async (_what, reply) => {
    server.setDefault(reply);
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).attempts).toBe(3);
    expect(server.count()).toBe(3);
  });

  // The deadline covers the whole body, not each wait for a chunk. Set before the server's
  // first pause, it runs out 100 ms later, while the drip needs 200 ms: timers fire in order.
  it('times out a body dripped one byte every 10 ms, on every attempt', async () => {
    const drip = [...OK_TEXT.slice(0, 20)].flatMap((c) => [c, { delayMs: 10 }]);
    server.setDefault({ headers: { 'content-type': 'application/json' }, chunks: drip });
    const error = await failure(() => clientFor(server, { timeout: 100 }).wallet.getApiCredit());
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as APIConnectionError).attempts).toBe(3);
  });
});

describe('repeated headers', () => {
  it('falls back to normal backoff when a 429 repeats Retry-After with different values', async () => {
    server.enqueue({
      status: 429,
      headers: [
        ['retry-after', '30'],
        ['retry-after', '1'],
      ],
      json: { status: 429, message: 'slow down' },
    });
    server.setDefault({ json: apiCreditBody() });
    const clock = useFakeClock();
    const call = clientFor(server).wallet.getApiCredit();
    // The backoff's 5 ms (less jitter), neither 30 s nor 1 s.
    const [sleep] = await clock.timersOf('http/retry.ts');
    expect(sleep).toBeGreaterThanOrEqual(4);
    expect(sleep).toBeLessThanOrEqual(5);
    await clock.advance(sleep!);
    expect((await call).credit).toBe('12.3400');
    expect(server.count()).toBe(2);
  });

  it('keeps both values of a repeated x-request-id on the error', async () => {
    server.setDefault({
      status: 503,
      headers: [
        ['x-request-id', 'a'],
        ['x-request-id', 'b'],
      ],
      json: { status: 503, message: 'busy' },
    });
    const error = await failure(() => clientFor(server).wallet.getApiCredit());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as APIError).headers.get('x-request-id')).toBe('a, b');
  });

  it('reads a JSON body whatever a repeated content-type says', async () => {
    server.setDefault({
      headers: [
        ['content-type', 'text/html'],
        ['content-type', 'application/json'],
      ],
      body: OK_TEXT,
    });
    expect((await clientFor(server).wallet.getApiCredit()).credit).toBe('12.3400');
  });
});
