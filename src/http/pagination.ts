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
      yield* items as Item[];
      const next = nextParams(this.#pagination, params, page, items, progress);
      if (!next) return;
      params = next;
      page = (await this.#fetch(params)).data;
    }
  }
}

/** What the pager remembers across pages, so a server cannot make it loop. */
export interface PageProgress {
  /** Items received so far, counted, not computed from the page size asked for. */
  received: number;
  /** Cursors already followed. */
  cursors: Set<string>;
  /** The previous page's items as JSON, to notice a server that repeats a page. */
  previous: string | undefined;
}

function itemsOf(page: unknown, pagination: PaginationEntry): unknown[] {
  const items = (page as Record<string, unknown> | null)?.[pagination.items];
  return Array.isArray(items) ? items : [];
}

/**
 * The parameters of the page after `page`, or `undefined` when it was the last: an empty page;
 * `has_more: false`; a page identical to the one before; by cursor, no `next_cursor` or one
 * already followed; by page number, once the items received cover `total` or the API's
 * discovery window (`accessible_upper_bound`, `max_offset`) ends.
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
  const fingerprint = JSON.stringify(items);
  if (fingerprint === progress.previous) return undefined;
  progress.previous = fingerprint;
  progress.received += items.length;
  if (pagination.style === 'cursor') {
    const cursor = answer[pagination.next];
    if (typeof cursor !== 'string' || cursor === '' || progress.cursors.has(cursor))
      return undefined;
    progress.cursors.add(cursor);
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
