/**
 * Which WebSocket a live session uses. The handshake must carry `Authorization: Bearer`, and
 * the standard WebSocket constructor cannot send headers. Bun and Deno accept a non-standard
 * `headers` option, so their global is used; in Node the optional `ws` package is, imported
 * only when a session opens. A browser can send no header at all: there a keyless client
 * (`apiKey: null`) talks to the user's own proxy, which adds the key (see the README's "Use in
 * a browser"), over the browser's own WebSocket.
 */
import { FishAudioError } from '../errors.js';
import { isBrowser } from '../http/network-error.js';
import { MAX_FRAME_BYTES } from './messages.js';

/** Why a browser cannot hold a keyed live session, and what to do instead. */
export const BROWSER_KEY_MESSAGE =
  "A browser's WebSocket cannot send the Authorization header, and a page must not hold the " +
  'key: make the client keyless (apiKey: null) and point baseUrl at your own proxy that adds ' +
  'the key and relays /v1/tts/live (see "Use in a browser" in the README).';

/** A WebSocket event as the session reads it (the WHATWG shapes, loosely). */
export interface SocketEvent {
  data?: unknown;
  code?: number;
  reason?: string;
  message?: string;
  error?: unknown;
}

/** The part of a WebSocket a session uses: the WHATWG API that `ws`, Bun and Deno share. */
export interface LiveSocket {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    listener: (event: SocketEvent) => void,
  ): void;
  /** `ws` and Bun: sends a ping frame. */
  ping?: () => void;
  /** `ws`: destroys the connection without a closing handshake. */
  terminate?: () => void;
  /**
   * `ws` 8 and Bun: stop and restart reading the connection, so a reader that falls behind
   * holds the server back (TCP back-pressure) instead of queuing its audio without end.
   * Deno's WebSocket has neither.
   */
  pause?: () => unknown;
  resume?: () => unknown;
  /** `ws`: its EventEmitter side, for `unexpected-response` (the refused handshake's status). */
  on?: (event: string, listener: (...args: never[]) => void) => unknown;
}

/** Opens a socket to `url` with these handshake headers. */
export type SocketFactory = (url: string, headers: Record<string, string>) => LiveSocket;

/** What {@link loadWebSocket} looks at; tests pass their own. */
export interface SocketRuntime {
  /** The global object: `Bun` or `Deno` on it means the global WebSocket takes headers. */
  global: Record<string, unknown>;
  /** Imports the `ws` package. */
  importWs: () => Promise<unknown>;
  /** Whether this is a browser page or worker; by default, as the global object says. */
  browser?: boolean;
  /** Whether this runtime has a `process` global (Node); by default, as the global object says. */
  hasProcess?: boolean;
}

function hasProcess(): boolean {
  return typeof (globalThis as { process?: unknown }).process === 'object';
}

type SocketConstructor = new (
  url: string,
  options: { headers: Record<string, string>; maxPayload?: number },
) => LiveSocket;

// A name bundlers do not follow: a browser bundle must build without `ws`, and never uses it.
const WS = 'ws';
const defaultRuntime: SocketRuntime = {
  global: globalThis as unknown as Record<string, unknown>,
  importWs: () => import(/* webpackIgnore: true */ /* @vite-ignore */ WS),
};

/** Picks the WebSocket for this runtime, importing `ws` when it is the one. */
export async function loadWebSocket(
  runtime: SocketRuntime = defaultRuntime,
): Promise<SocketFactory> {
  const { global } = runtime;
  const native = global.WebSocket;
  if ((global.Bun !== undefined || global.Deno !== undefined) && typeof native === 'function') {
    const Native = native as SocketConstructor;
    return (url, headers) => new Native(url, { headers });
  }
  if ((runtime.browser ?? isBrowser()) && typeof native === 'function') {
    const Native = native as new (url: string) => LiveSocket;
    return (url, headers) => {
      if (headers.authorization !== undefined) throw new FishAudioError(BROWSER_KEY_MESSAGE);
      // No header can go: the model travels as a query parameter, which the proxy turns back
      // into the header (the README's proxy does).
      const target = new URL(url);
      if (headers.model !== undefined) target.searchParams.set('model', headers.model);
      return new Native(target.href);
    };
  }
  let module: unknown;
  try {
    module = await runtime.importWs();
  } catch (error) {
    // Only Node installs packages at run time; an edge runtime's bundle would have had it.
    const advice =
      (runtime.hasProcess ?? hasProcess())
        ? ': npm install ws'
        : '. Live sessions need Node (with ws), Bun or Deno, or a browser through your own proxy.';
    throw new FishAudioError(
      'fish-audio-api/realtime needs the ws package on this runtime (its global WebSocket ' +
        `cannot send the Authorization header)${advice}`,
      { cause: error },
    );
  }
  // ESM import of ws: `default` is the class; a CommonJS interop may put it one level down.
  const candidate = (module as { default?: unknown }).default ?? module;
  const WebSocket = (
    typeof candidate === 'function' ? candidate : (candidate as { WebSocket?: unknown }).WebSocket
  ) as SocketConstructor | undefined;
  if (typeof WebSocket !== 'function') {
    throw new FishAudioError('The ws package did not export a WebSocket class: npm install ws@8');
  }
  // `ws` would otherwise take frames of up to 100 MiB, each held whole before it is read.
  return (url, headers) => new WebSocket(url, { headers, maxPayload: MAX_FRAME_BYTES });
}
