/**
 * The stand-in's default bodies: the 200 bodies, written by hand to match every published
 * version of the spec, and the error bodies, picked to match the spec where it documents one.
 */
import { validatorFor, type OperationKey } from '../operations.js';
import { validateLoadedResponse as validateResponse } from '../validate.js';

/** The operation key of the API credit balance. */
export const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
/** The operation key of the platform-credit package. */
export const PACKAGE = 'GET /wallet/{user_id}/package';

const MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Invalid API key',
  402: 'Insufficient API credit',
  403: 'Permission denied',
  404: 'Not found',
  422: 'Unprocessable entity',
  429: 'Too many concurrent requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'The server cannot process the request due to a high load',
  504: 'Gateway timeout',
};

/**
 * 200 bodies for the operations the stand-in knows, written to match every published version
 * of the spec (extra properties are accepted by the validators, missing required ones are
 * not). An entry for an operation the spec does not have yet is simply unused.
 */
export function defaultBodies(credit: string): Map<string, Record<string, unknown>> {
  const created = '2025-01-01T00:00:00Z';
  const updated = '2025-06-01T12:00:00Z';
  return new Map<string, Record<string, unknown>>([
    [
      API_CREDIT,
      {
        _id: '000000000000000000000001',
        user_id: 'stand-in-user',
        credit,
        cumulative_top_up: credit,
        created_at: created,
        updated_at: updated,
        has_phone_sha256: false,
        has_free_credit: false,
      },
    ],
    [
      PACKAGE,
      {
        user_id: 'stand-in-user',
        type: 'free',
        total: 0,
        balance: 0,
        extra_balance: 0,
        has_used_trial: false,
        created_at: created,
        updated_at: updated,
        finished_at: '2099-01-01T00:00:00Z',
      },
    ],
  ]);
}

function isDocumented(key: string, status: number): boolean {
  return validatorFor(key, status) !== undefined;
}

/** A body for `status` that matches the spec where the spec documents one. */
export function defaultErrorBody(key: string, status: number): unknown {
  const msg = MESSAGES[status] ?? `Simulated ${status} response`;
  const candidates = [{ status, message: msg }, [{ loc: ['query'], type: 'value_error', msg }]];
  if (!isDocumented(key, status)) return candidates[0];
  // When no candidate fits, the first is served and the self-check reports it.
  return (
    candidates.find((body) => validateResponse(key as OperationKey, status, body).length === 0) ??
    candidates[0]
  );
}
