/**
 * The request a call sends: its URL, method, headers and encoded body, built once and the same
 * for every attempt. Every mistake in the arguments is thrown here, before anything is sent.
 */
import type { OperationEntry } from '../operations.js';
import type { ResolvedOptions, ResolvedRequestOptions } from '../options.js';
import { identityHeaders } from './identity.js';
import { prepareRequest } from './params.js';

/** A request ready to send. */
export interface Outgoing {
  url: string;
  init: RequestInit & { headers: Record<string, string> };
}

/** Builds the request for `operation` with `params`, under the client's and the call's options. */
export async function buildRequest(
  options: ResolvedOptions,
  call: ResolvedRequestOptions,
  operation: OperationEntry,
  params: unknown,
): Promise<Outgoing> {
  const prepared = prepareRequest(options.baseUrl, operation, params);
  // Loaded on the first call that sends a body: an app that only reads (a credit check) never
  // ships the encoders in its split bundle.
  const encoded =
    operation.body && (await (await import('./body.js')).encodeBody(operation.body, prepared.body));
  return {
    url: prepared.url,
    init: {
      method: operation.method,
      // Later wins: what the operation accepts, then the call's headers (the client's default
      // headers with this call's over them), then the body's content type, then the
      // operation's own header parameters (`model`): an explicit argument is never overridden
      // by a default header. The identity headers put the key last.
      headers: identityHeaders(options, {
        accept: operation.success.kind === 'json' ? 'application/json' : '*/*',
        ...call.headers,
        ...(encoded?.contentType ? { 'content-type': encoded.contentType } : {}),
        ...prepared.headers,
      }),
      body: (encoded?.body ?? null) as BodyInit | null,
    },
  };
}
