/**
 * What a failed connection means, on every runtime: the system's code (Node puts it on the
 * cause, Bun on the error, Deno only in its wording), the words of the message, and the CORS
 * hint a browser's bare "Failed to fetch" deserves. The attempt, the streams and the live
 * session all make their connection errors here, so they read a failure the same way.
 */
import { APIConnectionError } from '../errors.js';
import type { Redactor } from '../redact.js';

// Deno's (hyper's and the OS's) wording for the failures Node reports with a code.
const MESSAGE_CODES: readonly [RegExp, string][] = [
  [/connection refused/i, 'ECONNREFUSED'],
  [/connection reset/i, 'ECONNRESET'],
  [/dns error|failed to lookup address|name or service not known/i, 'ENOTFOUND'],
  [/network is unreachable/i, 'ENETUNREACH'],
  [/host is unreachable|no route to host/i, 'EHOSTUNREACH'],
  [/broken pipe/i, 'EPIPE'],
];

/** The system's code for a failure (`ECONNRESET`…), from the error, its cause, or its words. */
export function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  return ownCode(error) ?? ownCode(cause);
}

function ownCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message !== 'string') return undefined;
  return MESSAGE_CODES.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * The HTTP status a runtime's own WebSocket names when a server refuses its handshake: all that
 * Bun (`Expected 101 status code: 401`) and Deno (`Invalid status code: 401`) say of it, where
 * `ws` hands over the response itself.
 */
export function handshakeStatus(error: unknown): number | undefined {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  const match = typeof message === 'string' ? /\bstatus code:? (\d{3})\b/i.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}

/** Whether this runs in a browser page or worker, where a failed fetch may be CORS. */
export function isBrowser(): boolean {
  const g = globalThis as { document?: unknown; importScripts?: unknown; process?: unknown };
  return (g.document !== undefined || g.importScripts !== undefined) && g.process === undefined;
}

/**
 * The `code` of an `APIConnectionError` for a port fetch refuses before connecting (9, 25, 6000
 * and the Fetch standard's other "bad ports"; undici says only `bad port`). Not a system code:
 * nothing listens or fails there, so no retry can succeed.
 */
export const BLOCKED_PORT = 'ERR_BLOCKED_PORT';

/** Where the connection failed, for the message. */
export type FailedAt =
  /** No response arrived. */
  | { stage: 'connect' }
  /** A response of `status` arrived; its body broke while it was read whole. */
  | { stage: 'body'; status: number }
  /** A 2xx body broke while it streamed. */
  | { stage: 'stream' }
  /** A live session's socket failed while it opened. */
  | { stage: 'live-open' };

/**
 * The `APIConnectionError` for `error` at `where`. Only a cleaned copy of the cause is kept (a
 * custom fetch may attach anything to its errors, headers included), and every text taken from
 * it passes the redactor first.
 */
export function connectionError(
  error: unknown,
  where: FailedAt,
  context: { baseUrl: string; attempts: number; redact: Redactor },
): APIConnectionError {
  const { baseUrl, attempts, redact } = context;
  const message = redact.text(describe(error));
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined;
  const code = networkCode(error) ?? (causeMessage === 'bad port' ? BLOCKED_PORT : undefined);
  const detail = code ?? (causeMessage === undefined ? message : redact.text(causeMessage));
  const what = {
    connect: `Could not reach ${baseUrl}`,
    body: `The connection to ${baseUrl} broke after it answered ${'status' in where ? where.status : ''}, while the body was read`,
    stream: `The connection to ${baseUrl} broke while the body streamed`,
    'live-open': `Could not open a live session at ${baseUrl}`,
  }[where.stage];
  const safeCause = { name: (error as Error | null)?.name ?? 'Error', code, message };
  if (code === BLOCKED_PORT) {
    // No network to check: fetch refuses the port itself, every time.
    return new APIConnectionError(
      `${what}: fetch never connects to this port. The Fetch standard blocks it (as 9, 25, 6000 and others) so that web pages cannot reach such services; use another port in the baseUrl option.`,
      { attempts, code },
      { cause: safeCause },
    );
  }
  // A browser reports a CORS refusal as a bare TypeError ("Failed to fetch"), with no code.
  const hint =
    isBrowser() && where.stage === 'connect' && error instanceof TypeError && code === undefined
      ? ' In a browser this may be CORS: the API sends no CORS headers; use a proxy (see "Use in a browser" in the README).'
      : '';
  return new APIConnectionError(
    `${what} (${detail}). Check the network and the baseUrl option.${hint}`,
    { attempts, code },
    { cause: safeCause },
  );
}

/** The words of any thrown value. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  try {
    return String(error);
  } catch {
    return 'an error without a message'; // e.g. an object with no prototype
  }
}
