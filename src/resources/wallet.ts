import type { APIPromise } from '../http/api-promise.js';
import type { FishAudio } from '../client.js';
import type { RequestOptions } from '../options.js';
import type { ApiCredit, ApiCreditParams, Package, PackageParams } from '../types.js';

/**
 * The `Wallet` operations of the API, as `client.wallet`. Fish Audio keeps two balances, and
 * people confuse them: **API credit** ({@link Wallet.getApiCredit}) is what API calls spend; a
 * 402 "Insufficient API credit" means this one is empty. **Platform credit**
 * ({@link Wallet.getPackage}) belongs to the web app's plan and cannot pay for API calls.
 */
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
   * const team = await client.wallet.getApiCredit({ team_id: 'team_123' });
   * ```
   *
   * @param params The spec's parameters by their own names; `user_id` defaults to `'self'`.
   */
  getApiCredit(params: ApiCreditParams = {}, options?: RequestOptions): APIPromise<ApiCredit> {
    return this.#client.request('GET /wallet/{user_id}/api-credit', params, options);
  }

  /**
   * The platform-credit package: the web app's plan and its balance. This is not what API calls
   * spend; for that, use {@link Wallet.getApiCredit}.
   *
   * ```ts
   * const { balance, total, billing_period } = await client.wallet.getPackage();
   * ```
   *
   * @param params `user_id` defaults to `'self'`.
   */
  getPackage(params: PackageParams = {}, options?: RequestOptions): APIPromise<Package> {
    return this.#client.request('GET /wallet/{user_id}/package', params, options);
  }
}
