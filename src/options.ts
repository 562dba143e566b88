/** The client's options and their defaults, declared once. */

/** A `fetch` implementation: the global one, or one from a test, a proxy agent or a polyfill. */
export type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;

/** Options for `new FishAudio(options)`. Every field is optional; see {@link DEFAULTS}. */
export interface ClientOptions {
  /**
   * The API key, sent as `Authorization: Bearer <key>`.
   * Default: the `FISH_API_KEY` environment variable, where the runtime has one.
   */
  apiKey?: string;
  /**
   * Where the API lives. Default `https://api.fish.audio`. Browsers need a proxy of their own
   * here, because the API sends no CORS headers. A trailing slash is fine.
   */
  baseUrl?: string;
  /** A custom `fetch`. Default: `globalThis.fetch`. */
  fetch?: Fetch;
  /** Headers sent with every request; per-request `headers` override them. */
  defaultHeaders?: Record<string, string>;
}

/** Options for a single call, as its last argument. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Extra headers for this call; they override the client's `defaultHeaders`. */
  headers?: Record<string, string>;
}

/** The defaults for {@link ClientOptions}, in one place. */
export const DEFAULTS = {
  baseUrl: 'https://api.fish.audio',
  apiKeyEnvVar: 'FISH_API_KEY',
} as const;

/** Reads an environment variable where the runtime has `process.env` (Node, Bun, Deno's compat). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}
