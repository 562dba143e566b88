/**
 * Reading a whole (non-streamed) body: within a size bound, as text, then as JSON, with the
 * redactor applied before anything is parsed or shown.
 */
import type { Redactor } from '../redact.js';

/** Raised inside {@link readText} when a 2xx body passes the bound. */
export class BodyTooLarge extends Error {}

/**
 * Reads a body as text, refusing a 2xx body larger than `limit` bytes (declared: before
 * reading; undeclared or compressed: as soon as the count passes it) and cutting an error body
 * at `limit`, so an error keeps its status and class whatever it carries.
 */
export async function readText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const encoding = response.headers.get('content-encoding');
  if (declared > limit && response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  // A declared, uncompressed length within the bound is enforced by fetch itself.
  if (declared <= limit && (!encoding || encoding === 'identity')) return response.text();
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      await reader.cancel().catch(() => {});
      if (response.ok) throw new BodyTooLarge();
      chunks.push(value.subarray(0, limit - total));
      break;
    }
    total += value.byteLength;
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  return chunks
    .map((chunk, i) => decoder.decode(chunk, { stream: i < chunks.length - 1 }))
    .join('');
}

/**
 * At most the first `limit` bytes of `body` as text, for an error's `body`: reading stops at the
 * bound, or when `stopped` rejects (the deadline, the caller's abort) or the body fails, and the
 * rest is cancelled, unread. Never throws: what arrived is what there is to show.
 */
export async function readStart(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  stopped: Promise<never>,
): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      const piece = value.subarray(0, limit - total);
      chunks.push(piece);
      total += piece.byteLength;
    }
  } catch {
    // Cut short: what arrived so far is the body.
  } finally {
    reader.cancel().catch(() => {});
  }
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
}

/** A body parsed by {@link parseJson}: its value, or its (redacted) text and what is wrong. */
export type Parsed = { ok: true; value: unknown } | { ok: false; text: string; problem: string };

/**
 * Redacts and parses a body; text that is not JSON stays (redacted) text. The raw text is
 * redacted first, the parsed strings again only when the text has escapes, the one way a key
 * could hide from the first pass. Every walk over the value is iterative, so depth is safe.
 */
export function parseJson(raw: string, redact: Redactor): Parsed {
  const text = redact.text(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, text, problem: 'the body is not valid JSON' };
  }
  return { ok: true, value: text.includes('\\') ? redact.value(value) : value };
}
