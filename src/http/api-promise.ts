import type { WithResponse } from './response.js';

/**
 * The promise every API method returns: a `Promise` with one more method. Declared as an
 * interface, not a class, because the package exports no value of this name: the type must not
 * promise a constructor (or `instanceof`) that the JavaScript does not have. Await it for the data, or call `.withResponse()` for
 * the data together with the response's status, headers and URL:
 *
 * ```ts
 * const credit = await client.wallet.getApiCredit();
 * const { data, response } = await client.wallet.getApiCredit().withResponse();
 * console.log(response.status, response.headers.get('x-request-id'), data.credit);
 * ```
 */
export interface APIPromise<T> extends Promise<T> {
  /** Resolves to the data and the response it came from. */
  withResponse(): Promise<WithResponse<T>>;
}

/** The one implementation of {@link APIPromise}, internal: only the client constructs it. */
export class CallPromise<T> extends Promise<T> implements APIPromise<T> {
  readonly #result: Promise<WithResponse<T>>;

  constructor(result: Promise<WithResponse<T>>) {
    // The base promise is never used: `then` below reads from `result` instead.
    super((resolve) => resolve(undefined as T));
    this.#result = result;
  }

  // Derived promises (from `finally`, `Promise.all`, …) are plain promises.
  static override get [Symbol.species]() {
    return Promise;
  }

  /** Resolves to the data and the response it came from. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  /** Resolves to the data alone; rejects with the error the call ended with. */
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    // `any`, as in the built-in Promise, so callers may annotate the reason (`(e: Error) => …`).
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#result.then((result) => result.data).then(onfulfilled, onrejected);
  }
}
