/**
 * One pager for every list operation, driven by the pagination facts the generator detects
 * (`pagination` in the manifest): by page number (`GET /model`) or by cursor (the agent lists).
 * Nothing here is written per operation.
 */
import { CallPromise } from './api-promise.js';
import type { PaginationEntry } from './operations.js';
import type { WithResponse } from './types.js';

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
    for (;;) {
      const items = itemsOf(page, this.#pagination);
      yield* items as Item[];
      const next = nextParams(this.#pagination, params, page, items.length);
      if (!next) return;
      params = next;
      page = (await this.#fetch(params)).data;
    }
  }
}

function itemsOf(page: unknown, pagination: PaginationEntry): unknown[] {
  const items = (page as Record<string, unknown> | null)?.[pagination.items];
  return Array.isArray(items) ? items : [];
}

/**
 * The parameters of the page after `page`, or `undefined` when it was the last: an empty page;
 * `has_more: false`; no `next_cursor` (cursor style); or, by page number, when the pages so far
 * cover `total` or the API's discovery window (`accessible_upper_bound`, `max_offset`) ends.
 */
export function nextParams(
  pagination: PaginationEntry,
  params: Record<string, unknown>,
  page: unknown,
  count: number,
): Record<string, unknown> | undefined {
  const answer = (page ?? {}) as Record<string, unknown>;
  if (count === 0 || answer.has_more === false) return undefined;
  if (pagination.style === 'cursor') {
    const cursor = answer[pagination.next];
    return typeof cursor === 'string' && cursor !== '' && cursor !== params[pagination.param]
      ? { ...params, [pagination.param]: cursor }
      : undefined;
  }
  const given = params[pagination.param];
  const number = typeof given === 'number' ? given : 1;
  const requested = params[pagination.size];
  const size = typeof requested === 'number' ? requested : count;
  // How many items the pages so far cover, which is also the next page's offset.
  const seen = number * size;
  const below = (limit: unknown) => typeof limit === 'number' && seen >= limit;
  if (below(answer[pagination.total]) || below(answer.accessible_upper_bound)) return undefined;
  if (typeof answer.max_offset === 'number' && seen > answer.max_offset) return undefined;
  return { ...params, [pagination.param]: number + 1 };
}
