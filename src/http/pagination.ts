/**
 * One pager for every list operation, driven by the pagination facts the generator detects
 * (`pagination` in the manifest): by page number (`GET /model`) or by cursor (the agent lists).
 * Nothing here is written per operation.
 */
import { CallPromise } from './api-promise.js';
import type { PaginationEntry } from '../operations.js';
import type { WithResponse } from './response.js';

/** Fetches one page with the given parameters (the first call's, with the page moved on). */
export type PageFetcher<Page> = (params: Record<string, unknown>) => Promise<WithResponse<Page>>;

/**
 * A list call: `await` it for the first page, or iterate it for every item of every page,
 * fetched lazily, one page at a time, as the loop asks for more.
 *
 * ```ts
 * const first = await client.voices.list({ self: true });  // { total, items, … }
 * for await (const voice of client.voices.list({ self: true })) console.log(voice.title);
 * ```
 */
export class PagePromise<Page, Item> extends CallPromise<Page> implements AsyncIterable<Item> {
  readonly #first: Promise<WithResponse<Page>>;
  readonly #fetch: PageFetcher<Page>;
  readonly #params: Record<string, unknown>;
  readonly #pagination: PaginationEntry;

  constructor(
    first: Promise<WithResponse<Page>>,
    fetchPage: PageFetcher<Page>,
    params: Record<string, unknown>,
    pagination: PaginationEntry,
  ) {
    super(first);
    this.#first = first;
    this.#fetch = fetchPage;
    this.#params = params;
    this.#pagination = pagination;
  }

  /** Every item of every page, in order; stops at the last page (see {@link nextParams}). */
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    let page = (await this.#first).data;
    let params = this.#params;
    const progress: PageProgress = { received: 0, cursors: new Set(), previous: undefined };
    for (;;) {
      const items = itemsOf(page, this.#pagination);
      // A page seen before: the server went round in a circle, and nothing on it is new.
      if (seenBefore(items, progress)) return;
      yield* items as Item[];
      const next = nextParams(this.#pagination, params, page, items, progress);
      if (!next) return;
      params = next;
      page = (await this.#fetch(params)).data;
    }
  }
}

/**
 * How many page fingerprints (and cursors) the pager remembers. Past it, a cycle is still found,
 * with constant memory (see {@link PageProgress.checkpoint}), a few pages later.
 */
export const MAX_REMEMBERED_PAGES = 10_000;

/** What the pager remembers across pages, so a server cannot make it loop. */
export interface PageProgress {
  /** Items received so far, counted, not computed from the page size asked for. */
  received: number;
  /** Cursors already followed, at most {@link MAX_REMEMBERED_PAGES}. */
  cursors: Set<string>;
  /** The fingerprint of the previous page's items (as text). */
  previous: string | undefined;
  /** Fingerprints of the pages walked so far, at most {@link MAX_REMEMBERED_PAGES}. */
  seen?: Set<number>;
  /**
   * Once `seen` is full, Brent's cycle finding: one page's fingerprint, compared with each page
   * after it and moved on after `power` pages, doubling `power`; any cycle ends in a repeat of it.
   */
  checkpoint?: { fingerprint: number; power: number; steps: number };
}

function itemsOf(page: unknown, pagination: PaginationEntry): unknown[] {
  const items = (page as Record<string, unknown> | null)?.[pagination.items];
  return Array.isArray(items) ? items : [];
}

/**
 * The parameters of the page after `page`, or `undefined` when it was the last: an empty page;
 * `has_more: false`; a page seen before (the server went round in a circle); by cursor, no
 * `next_cursor` or one already followed; by page number, once the items received cover
 * `total` or the API's discovery window (`accessible_upper_bound`, `max_offset`) ends.
 */
export function nextParams(
  pagination: PaginationEntry,
  params: Record<string, unknown>,
  page: unknown,
  items: readonly unknown[],
  progress: PageProgress,
): Record<string, unknown> | undefined {
  const answer = (page ?? {}) as Record<string, unknown>;
  if (items.length === 0 || answer.has_more === false) return undefined;
  if (!remember(fingerprintOf(items), progress)) return undefined;
  progress.received += items.length;
  if (pagination.style === 'cursor') {
    const cursor = answer[pagination.next];
    if (typeof cursor !== 'string' || cursor === '' || progress.cursors.has(cursor))
      return undefined;
    if (progress.cursors.size < MAX_REMEMBERED_PAGES) progress.cursors.add(cursor);
    return { ...params, [pagination.param]: cursor };
  }
  const given = params[pagination.param];
  const number = typeof given === 'number' ? given : 1;
  const covers = (limit: unknown) => typeof limit === 'number' && progress.received >= limit;
  if (covers(answer[pagination.total]) || covers(answer.accessible_upper_bound)) return undefined;
  if (typeof answer.max_offset === 'number' && progress.received > answer.max_offset)
    return undefined;
  return { ...params, [pagination.param]: number + 1 };
}

/** Whether a page with these items was walked before (without remembering it). */
function seenBefore(items: readonly unknown[], progress: PageProgress): boolean {
  if (items.length === 0) return false;
  const fingerprint = fingerprintOf(items);
  return (
    String(fingerprint) === progress.previous ||
    progress.seen?.has(fingerprint) === true ||
    progress.checkpoint?.fingerprint === fingerprint
  );
}

/** Notes a page's fingerprint; `false` when the page was seen before. */
function remember(fingerprint: number, progress: PageProgress): boolean {
  if (String(fingerprint) === progress.previous) return false;
  progress.previous = String(fingerprint);
  const seen = (progress.seen ??= new Set());
  if (seen.has(fingerprint)) return false;
  if (seen.size < MAX_REMEMBERED_PAGES) {
    seen.add(fingerprint);
    return true;
  }
  const checkpoint = progress.checkpoint;
  if (!checkpoint) {
    progress.checkpoint = { fingerprint, power: 1, steps: 0 };
    return true;
  }
  if (checkpoint.fingerprint === fingerprint) return false;
  if (++checkpoint.steps === checkpoint.power) {
    checkpoint.fingerprint = fingerprint;
    checkpoint.power *= 2;
    checkpoint.steps = 0;
  }
  return true;
}

// Each page's fingerprint, computed once however often it is asked for.
const fingerprints = new WeakMap<readonly unknown[], number>();

/** A page's items as a 53-bit hash, the same for the same JSON (keys in their order). */
function fingerprintOf(items: readonly unknown[]): number {
  let fingerprint = fingerprints.get(items);
  if (fingerprint === undefined) {
    fingerprint = hashText(items) ?? hashJson(items);
    fingerprints.set(items, fingerprint);
  }
  return fingerprint;
}

/**
 * cyrb53 over the items' JSON text, one UTF-16 unit per step as cyrb53 is made to take it (two
 * units packed in one 32-bit step let two flips of a unit's top bit cancel out): JSON.stringify
 * (native) renders a parsed value unambiguously, at a third of the cost of walking it here, and
 * the text is read where it stands, not encoded to bytes first. `undefined` when the items nest
 * too deeply for the (recursive) stringify: then {@link hashJson} walks them.
 */
function hashText(items: readonly unknown[]): number | undefined {
  let text: string;
  try {
    text = JSON.stringify(items);
  } catch {
    return undefined;
  }
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return finish(h1, h2);
}

/** A property name on the walk's stack, told apart from a string value. */
class Key {
  constructor(readonly name: string) {}
}

/**
 * cyrb53 over an unambiguous rendering of a JSON value (each string and container says its
 * length), walked without recursion so that no depth overflows the stack.
 */
function hashJson(value: unknown): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  };
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node instanceof Key) feed(`k${node.name.length}:${node.name}`);
    else if (typeof node === 'string') feed(`s${node.length}:${node}`);
    else if (Array.isArray(node)) {
      feed(`[${node.length}`);
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      feed(`{${entries.length}`);
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push(entries[i]![1], new Key(entries[i]![0]));
    } else feed(`${typeof node}:${String(node)};`);
  }
  return finish(h1, h2);
}

/** cyrb53's final mix of its two lanes into 53 bits. */
function finish(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
