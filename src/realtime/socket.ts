/**
 * Which WebSocket a live session uses. The handshake must carry `Authorization: Bearer`, and
 * the standard WebSocket constructor cannot send headers. Bun and Deno accept a non-standard
 * `headers` option, so their global is used; everywhere else (Node) the optional `ws` package
 * is, imported only when a session opens. Browsers cannot send the header at all.
 */
import { FishAudioError } from '../errors.js';
import { MAX_FRAME_BYTES } from './messages.js';

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
}

type SocketConstructor = new (
  url: string,
  options: { headers: Record<string, string>; maxPayload?: number },
) => LiveSocket;

const defaultRuntime: SocketRuntime = {
  global: globalThis as unknown as Record<string, unknown>,
  importWs: () => import('ws'),
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
  let module: unknown;
  try {
    module = await runtime.importWs();
  } catch (error) {
    throw new FishAudioError(
      'fish-audio-api/realtime needs the ws package on this runtime (its global WebSocket ' +
        'cannot send the Authorization header): npm install ws',
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
