import type { APIPromise } from './api-promise.js';
import type { FishAudio } from './client.js';
import type { RequestOptions } from './options.js';
import type { ApiCredit, ApiCreditParams } from './types.js';

/** The `Wallet` operations of the API, as `client.wallet`. */
export class Wallet {
  readonly #client: FishAudio;

  constructor(client: FishAudio) {
    this.#client = client;
  }

  /**
   * The API credit balance: what API calls spend. This is not the platform (web app) credit.
   *
   * ```ts
   * const { credit } = await client.wallet.getApiCredit();
   * const other = await client.wallet.getApiCredit({ user_id: 'abc', check_free_credit: true });
   * ```
   *
   * @param params The spec's parameters by their own names; `user_id` defaults to `'self'`.
   */
  getApiCredit(params: ApiCreditParams = {}, options?: RequestOptions): APIPromise<ApiCredit> {
    return this.#client.request('GET /wallet/{user_id}/api-credit', params, options);
  }
}
