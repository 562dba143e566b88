/**
 * What the hostile-input suites share: a realistic key, a short backoff, a server per file, and
 * checks that a secret appears nowhere in an error.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { FishAudio, type ClientOptions } from '../../src/index.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';

export { apiCreditBody } from '../helpers/server.js';

export { countingFetch } from '../helpers/counting-fetch.js';

/** A key shaped like a real one: long enough that an accidental match is impossible. */
export const KEY = 'sk-hostile-0123456789abcdef';

/**
 * A backoff short enough that a whole file of retries runs in milliseconds, and a deadline long
 * enough never to fire before a loopback server answers, however busy the machine. A test of a
 * server that stalls sets a short timeout of its own: there, a deadline races nothing.
 */
export const FAST = { timeout: 30_000, backoff: { initialDelayMs: 5, maxDelayMs: 20 } } as const;

/** The redaction placeholder, exactly. */
export const REDACTED = '[redacted]';

/**
 * One server for the file, emptied before each test. The returned object forwards to the
 * server once `beforeAll` has started it.
 */
export function useHttpServer(): HttpServer {
  let server: HttpServer | undefined;
  beforeAll(async () => {
    server = await startHttpServer();
  });
  beforeEach(() => server?.reset());
  afterAll(() => server?.close());
  return new Proxy({} as HttpServer, {
    get(_target, property) {
      if (!server) throw new Error('useHttpServer: the server is not started yet');
      const value = Reflect.get(server, property) as unknown;
      return typeof value === 'function' ? value.bind(server) : value;
    },
  });
}

/** A client for `server` with the test key and a short backoff. */
export function clientFor(server: { url: string }, options: ClientOptions = {}): FishAudio {
  return new FishAudio({ apiKey: KEY, baseUrl: server.url, ...FAST, ...options });
}

/**
 * What `fn` threw or rejected with. Fails the test when it succeeded, so that a check on the
 * error can never pass vacuously.
 */
export async function failure(fn: () => unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await fn();
  } catch (error) {
    return error;
  }
  throw new Error(`expected a failure, but it succeeded with ${inspect(value, { depth: 2 })}`);
}

/** Every rendering of an error a log could hold: message, stack, causes, JSON and inspect. */
export function renderings(error: unknown, showHidden = false): string[] {
  const texts = [
    inspect(error, { depth: Infinity }),
    inspect(error, { depth: Infinity, showHidden }),
    safeJSON(error),
    String(error),
  ];
  const seen = new Set<unknown>();
  for (let node = error; node !== undefined && node !== null && !seen.has(node);) {
    seen.add(node);
    if (typeof node === 'object') {
      const { message, stack } = node as { message?: unknown; stack?: unknown };
      texts.push(String(message), String(stack), safeJSON(node));
      node = (node as { cause?: unknown }).cause;
    } else {
      texts.push(String(node));
      break;
    }
  }
  return texts;
}

function safeJSON(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `JSON.stringify threw ${String(error)}`;
  }
}

/** Asserts that none of the given secrets appears in any rendering of `error`. */
export function expectNoSecret(error: unknown, ...secrets: string[]): void {
  for (const text of renderings(error, true)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}
