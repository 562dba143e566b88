/**
 * Type-level specification of the public surface. `npm run typecheck` compiles this file, so a
 * regeneration that changes a public type fails there; the runtime assertions keep vitest honest.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  APIError,
  type APIPromise,
  FishAudio,
  FishAudioError,
  InvalidResponseError,
  RateLimitError,
  UnprocessableEntityError,
  type ApiCredit,
  type ApiCreditParams,
  type Package,
  type PackageParams,
  type RequestOptions,
  type WithResponse,
} from '../src/index.js';

describe('public types', () => {
  it('names the parameters as the spec does, all optional', () => {
    expectTypeOf<ApiCreditParams>().toEqualTypeOf<{
      check_free_credit?: boolean;
      team_id?: string | null;
      user_id?: string;
    }>();
    expectTypeOf<{}>().toExtend<ApiCreditParams>();
  });

  it('types ApiCredit from the spec, with has_free_credit optional and nullable', () => {
    expectTypeOf<ApiCredit['credit']>().toEqualTypeOf<string>();
    expectTypeOf<ApiCredit['cumulative_top_up']>().toEqualTypeOf<string>();
    expectTypeOf<ApiCredit['_id']>().toEqualTypeOf<string>();
    expectTypeOf<ApiCredit['user_id']>().toEqualTypeOf<string>();
    expectTypeOf<ApiCredit['created_at']>().toEqualTypeOf<string>();
    expectTypeOf<ApiCredit['has_phone_sha256']>().toEqualTypeOf<boolean>();
    expectTypeOf<ApiCredit>().toHaveProperty('has_free_credit');
    expectTypeOf<ApiCredit['has_free_credit']>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<Pick<ApiCredit, 'credit'>>().not.toExtend<ApiCredit>();
  });

  it('types the platform-credit package apart from the API credit', () => {
    expectTypeOf<PackageParams>().toEqualTypeOf<{ user_id?: string }>();
    expectTypeOf<Package['balance']>().toEqualTypeOf<number>();
    expectTypeOf<Package['total']>().toEqualTypeOf<number>();
    expectTypeOf<Package['billing_period']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Package>().not.toHaveProperty('credit');
    const client = new FishAudio({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    expectTypeOf(client.wallet.getPackage).returns.toEqualTypeOf<APIPromise<Package>>();
    expect(client.wallet.getPackage).toBeTypeOf('function');
  });

  it('returns an APIPromise of ApiCredit with withResponse()', () => {
    const client = new FishAudio({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    type Call = typeof client.wallet.getApiCredit;
    expectTypeOf<Parameters<Call>>().toEqualTypeOf<
      [params?: ApiCreditParams, options?: RequestOptions]
    >();
    expectTypeOf<ReturnType<Call>>().toEqualTypeOf<APIPromise<ApiCredit>>();
    expectTypeOf<ReturnType<ReturnType<Call>['withResponse']>>().toEqualTypeOf<
      Promise<WithResponse<ApiCredit>>
    >();
    expect(client.wallet.getApiCredit).toBeTypeOf('function');
  });

  it('rejects misspelt parameters and wrong value types at compile time', () => {
    const client = new FishAudio({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    const typoOnly = () =>
      // @ts-expect-error userId is not a parameter; the spec says user_id
      client.wallet.getApiCredit({ userId: 'x' });
    const wrongType = () =>
      // @ts-expect-error check_free_credit is a boolean
      client.wallet.getApiCredit({ check_free_credit: 'yes' });
    expect([typoOnly, wrongType]).toHaveLength(2);
  });

  it('keeps the error hierarchy with status as data', () => {
    expectTypeOf<APIError>().toExtend<FishAudioError>();
    expectTypeOf<RateLimitError>().toExtend<APIError>();
    expectTypeOf<APIError['status']>().toEqualTypeOf<number>();
    expectTypeOf<APIError['headers']>().toEqualTypeOf<Headers>();
    expectTypeOf<APIError['body']>().toEqualTypeOf<unknown>();
    expectTypeOf<RateLimitError['retryAfter']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<UnprocessableEntityError['details'][number]>().toHaveProperty('loc');
    expectTypeOf<InvalidResponseError>().toExtend<FishAudioError>();
    expect(
      new RateLimitError({ status: 429, headers: new Headers(), body: '', attempts: 1 }),
    ).toBeInstanceOf(APIError);
  });
});
