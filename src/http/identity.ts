/**
 * The headers that say who is calling, on every request and on the live handshake alike: the
 * package's user agent, the client's default headers, and the key as a bearer token unless the
 * client has none (`apiKey: null`, for a proxy that adds its own).
 */
import type { ResolvedOptions } from '../options.js';
import { VERSION } from '../version.js';

/** The user agent this package sends (browsers drop it silently; Node, Bun and Deno send it). */
export const USER_AGENT = `fish-audio-api/${VERSION}`;

/**
 * The identity headers of a client, names in lower case. `extra` (a call's or a session's own
 * headers) overrides the defaults but never the key: a client's credentials are its own.
 */
export function identityHeaders(
  options: Pick<ResolvedOptions, 'apiKey' | 'defaultHeaders'>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { apiKey, defaultHeaders } = options;
  return {
    'user-agent': USER_AGENT,
    ...defaultHeaders,
    ...extra,
    ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }),
  };
}
