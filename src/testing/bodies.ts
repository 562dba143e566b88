/**
 * The stand-in's default bodies. The wallet's are written by hand (a test reads their values);
 * every other JSON operation starts from a small hand-written seed, where one makes the body
 * more useful (a list with one voice, say), and is completed by {@link buildValidBody} until
 * its generated validator accepts it, so a new operation of the spec is served without an edit.
 */
import { operationFor, operationKeys, validatorFor, type OperationKey } from '../operations.js';
import { validateLoadedResponse as validateResponse } from '../validate.js';
import { buildValidBody } from './minimal.js';
import { designCandidates } from './speech.js';

/** The operation key of the API credit balance. */
export const API_CREDIT = 'GET /wallet/{user_id}/api-credit';
/** The operation key of the platform-credit package. */
export const PACKAGE = 'GET /wallet/{user_id}/package';
/** Text to speech, streamed audio. */
export const TTS = 'POST /v1/tts';
/** Text to speech with timestamps, server-sent events. */
export const TTS_TIMESTAMPS = 'POST /v1/tts/stream/with-timestamp';
/** Voice design: candidates with base64 WAV audio. */
export const DESIGN = 'POST /v1/voice-design';
/** Speech to text, a multipart upload. */
export const ASR = 'POST /v1/asr';

const MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Invalid API key',
  402: 'Insufficient API credit',
  403: 'Permission denied',
  404: 'Not found',
  409: 'Conflict',
  422: 'Unprocessable entity',
  429: 'Too many concurrent requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'The server cannot process the request due to a high load',
  504: 'Gateway timeout',
};

const CREATED = '2025-01-01T00:00:00Z';
const UPDATED = '2025-06-01T12:00:00Z';
const VOICE = { _id: 'stand-in-voice', title: 'Stand-in voice', created_at: CREATED };
const AGENT = { agent_id: 'stand-in-agent', name: 'Stand-in agent', created_at: CREATED };

/** Seeds that make a body more telling than the bare minimum; the builder adds the rest. */
const SEEDS: Record<string, unknown> = {
  'GET /model': { total: 1, items: [VOICE] },
  'POST /model': VOICE,
  'GET /model/{id}': VOICE,
  'GET /v1/agent/agents': { agents: [AGENT], has_more: false },
  'GET /v1/agent/agents/{agent_id}': AGENT,
  'POST /v1/agent/agents': AGENT,
  // Real WAV candidates, so a body merged by setResponse still decodes.
  [DESIGN]: { candidates: designCandidates({}) },
  [ASR]: { text: '', duration: 0, segments: [] },
};

// Built once per process: the builder runs the validator many times per body.
let built: Map<string, Record<string, unknown>> | undefined;

function walletBodies(credit: string): [string, Record<string, unknown>][] {
  return [
    [
      API_CREDIT,
      {
        _id: '000000000000000000000001',
        user_id: 'stand-in-user',
        credit,
        cumulative_top_up: credit,
        created_at: CREATED,
        updated_at: UPDATED,
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
        created_at: CREATED,
        updated_at: UPDATED,
        finished_at: '2099-01-01T00:00:00Z',
      },
    ],
  ];
}

/**
 * The success body of every JSON operation, by operation key (fresh copies: callers may
 * change them). Needs the validators loaded. A body the builder cannot complete is left out,
 * and the stand-in's start-up check names the operation.
 */
export function defaultBodies(credit: string): Map<string, Record<string, unknown>> {
  if (!built) {
    built = new Map();
    for (const key of operationKeys) {
      const { success } = operationFor(key);
      const validate = validatorFor(key, success.status);
      if (success.kind !== 'json' || !validate) continue;
      try {
        const body = buildValidBody(validate, SEEDS[key] ?? {});
        if (isRecord(body)) built.set(key, body);
      } catch {
        // Reported by the start-up check as a missing body.
      }
    }
  }
  const bodies = new Map([...built].map(([key, body]) => [key, structuredClone(body)]));
  for (const [key, body] of walletBodies(credit)) {
    // An entry for an operation the spec does not have is simply unused.
    if ((operationKeys as string[]).includes(key)) bodies.set(key, body);
  }
  return bodies;
}

/** A body for `status` that matches the spec where the spec documents one. */
export function defaultErrorBody(key: string, status: number): unknown {
  const message = MESSAGES[status] ?? `Simulated ${status} response`;
  const plain = { status, message };
  const validate = validatorFor(key, status);
  if (!validate) return plain;
  const candidates = [plain, [{ loc: ['query'], type: 'value_error', msg: message }]];
  const fits = candidates.find(
    (body) => validateResponse(key as OperationKey, status, body).length === 0,
  );
  if (fits) return fits;
  // A schema of its own: completed from the plain body; when even that fails, the plain body
  // is served and the self-check reports it.
  try {
    return buildValidBody(validate, plain);
  } catch {
    return plain;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
