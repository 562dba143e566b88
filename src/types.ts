/**
 * Public types, derived from the generated files so that regeneration alone updates them.
 * Nothing here restates a field of the spec.
 */
import type { Manifest, OperationKey, paths } from './operations.js';
import type { RequestOptions } from './options.js';
import type { APIPromise } from './http/api-promise.js';
import type { PagePromise } from './http/pagination.js';
import type { AudioResponse, EventStream } from './http/stream.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type NonEmpty<T> = [T] extends [never] ? {} : T;

/** The generated operation type behind a manifest key such as `'GET /wallet/{user_id}/package'`. */
type OperationOf<K extends OperationKey> = K extends `${infer M} ${infer P extends keyof paths}`
  ? paths[P][Lowercase<M> & keyof paths[P]]
  : never;

type ParametersOf<K extends OperationKey> =
  OperationOf<K> extends { parameters: infer P } ? P : never;
type QueryOf<K extends OperationKey> = NonEmpty<
  Exclude<ParametersOf<K> extends { query?: infer Q } ? Q : never, undefined>
>;
type PathOf<K extends OperationKey> = NonEmpty<
  Exclude<ParametersOf<K> extends { path?: infer P } ? P : never, undefined>
>;
/** Path parameters the spec gives a default to (such as `user_id: 'self'`) may be left out. */
type DefaultedNames<K extends OperationKey> = {
  [N in keyof Manifest[K]['parameters']]: Manifest[K]['parameters'][N] extends { default: unknown }
    ? N
    : never;
}[keyof Manifest[K]['parameters']];

type HeaderOf<K extends OperationKey> = NonEmpty<
  Exclude<ParametersOf<K> extends { header?: infer H } ? H : never, undefined>
>;
/** Header parameters (such as `model`) accept the documented values or any newer string. */
type OpenEnums<T> = {
  [N in keyof T]: NonNullable<T[N]> extends string ? T[N] | (string & {}) : T[N];
};

/**
 * The request body of an operation, in the encoding the client would pick: multipart when
 * offered, else msgpack (whose schema is the one that can hold bytes), else JSON, else a form.
 */
type BodyOf<K extends OperationKey> =
  OperationOf<K> extends { requestBody?: { content: infer C } }
    ? C extends { 'multipart/form-data': infer B }
      ? B
      : C extends { 'application/msgpack': infer B }
        ? B
        : C extends { 'application/json': infer B }
          ? B
          : C extends { 'application/x-www-form-urlencoded': infer B }
            ? B
            : {}
    : {};

/**
 * An operation's whole input in one flat object, under the spec's own names: path, query and
 * header parameters, and the body's properties. Path parameters with a documented default (such
 * as `user_id: 'self'`) may be left out.
 *
 * A named request type maps over it in its own alias (`type TTSRequest = { [K in keyof
 * ParamsOf<…>]: ParamsOf<…>[K] }`): TypeScript names such an alias in its messages ("does not
 * exist in type 'TTSRequest'"), where an alias of `ParamsOf<…>` itself prints the whole object.
 */
export type ParamsOf<K extends OperationKey> = Simplify<
  QueryOf<K> &
    OpenEnums<HeaderOf<K>> &
    Omit<PathOf<K>, DefaultedNames<K>> &
    Partial<Pick<PathOf<K>, DefaultedNames<K> & keyof PathOf<K>>> &
    BodyOf<K>
>;

/** `client.request`'s arguments after the key: the input is optional when nothing in it is required. */
export type RequestArgs<K extends OperationKey> =
  {} extends ParamsOf<K>
    ? [params?: ParamsOf<K>, options?: RequestOptions]
    : [params: ParamsOf<K>, options?: RequestOptions];

type SuccessOf<K extends OperationKey> = Manifest[K]['success'];
type ContentOf<K extends OperationKey> =
  OperationOf<K> extends { responses: infer R }
    ? SuccessOf<K>['status'] extends keyof R
      ? R[SuccessOf<K>['status']] extends { content: infer C }
        ? C
        : never
      : never
    : never;

/** One event of a server-sent-events operation, as the spec documents it. */
export type EventOf<K extends OperationKey> =
  ContentOf<K> extends { 'text/event-stream': infer E } ? E : never;

/**
 * What an operation resolves to, by the success kind the spec documents: the parsed JSON
 * body; nothing (`void`) for an empty one; an {@link AudioResponse} for audio or other bytes;
 * an {@link EventStream} for server-sent events.
 */
export type ResponseOf<K extends OperationKey> = SuccessOf<K>['kind'] extends 'empty'
  ? void
  : SuccessOf<K>['kind'] extends 'binary'
    ? AudioResponse
    : SuccessOf<K>['kind'] extends 'sse'
      ? EventStream<EventOf<K>>
      : ContentOf<K> extends { 'application/json': infer B }
        ? B
        : never;

/** The items of one page of a list operation (one that pages; `never` for the others). */
export type ItemOf<K extends OperationKey> = Manifest[K] extends { pagination: { items: infer F } }
  ? ResponseOf<K> extends { [P in F & string]?: infer A }
    ? NonNullable<A> extends readonly (infer I)[]
      ? I
      : never
    : never
  : never;

/**
 * What `client.request` returns: an {@link APIPromise} of the result, or, for a list
 * operation, a {@link PagePromise} that also iterates every item of every page.
 */
export type ResultOf<K extends OperationKey> = Manifest[K] extends { pagination: object }
  ? PagePromise<ResponseOf<K>, ItemOf<K>>
  : APIPromise<ResponseOf<K>>;

/** Parameters of `client.wallet.getApiCredit()`: `user_id` (default `'self'`) and query flags. */
export type ApiCreditParams = {
  [
    K in keyof ParamsOf<'GET /wallet/{user_id}/api-credit'>
  ]: ParamsOf<'GET /wallet/{user_id}/api-credit'>[K];
};

/**
 * The API credit balance, as `GET /wallet/{user_id}/api-credit` returns it: what API calls
 * spend. `credit` and `cumulative_top_up` are decimal amounts in strings (`"12.3400"`); keep them
 * strings or use a decimal library, not `Number()`. Not the platform credit (see {@link Package}).
 */
export type ApiCredit = ResponseOf<'GET /wallet/{user_id}/api-credit'>;

/** Parameters of `client.wallet.getPackage()`: `user_id` (default `'self'`). */
export type PackageParams = {
  [
    K in keyof ParamsOf<'GET /wallet/{user_id}/package'>
  ]: ParamsOf<'GET /wallet/{user_id}/package'>[K];
};

/**
 * The platform-credit package, as `GET /wallet/{user_id}/package` returns it: the plan and the
 * balance the web app spends. Not the API credit that API calls spend (see {@link ApiCredit}).
 */
export type Package = ResponseOf<'GET /wallet/{user_id}/package'>;
