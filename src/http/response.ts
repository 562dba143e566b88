/**
 * The response envelope: what every call returns beside its data. A leaf, imported by the
 * promise, pager and stream types alike.
 */

/** Status and headers of the response that produced a result. */
export interface RawResponse {
  /** The HTTP status. */
  status: number;
  /** The response headers, e.g. `x-request-id`. */
  headers: Headers;
  /** The final URL, after any redirect. */
  url: string;
}

/** A result together with the HTTP response it came from, from `.withResponse()`. */
export interface WithResponse<T> {
  /** The parsed body, as awaiting the call would give it. */
  data: T;
  /** Status, headers and final URL of the response the data came from. */
  response: RawResponse;
}
