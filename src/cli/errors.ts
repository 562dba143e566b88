/**
 * What went wrong, as an exit code and one line: every error the command can meet is mapped
 * here, and only here, to the exit codes of `exit-codes.ts`.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  InvalidOptionError,
  InvalidParameterError,
  InvalidResponseError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  RealtimeError,
} from '../errors.js';
import { BLOCKED_PORT } from '../http/network-error.js';
import { BASE_URL_ENV, KEY_ENV, PROGRAM, seeHelp, type Command, type Sources } from './args.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';
import { clip, displayUrl } from './render.js';

/** An exit code and the one line that explains it. */
export interface Explanation {
  code: ExitCode;
  message: string;
}

/** What the explanation may use of the run: where options came from, and where it went. */
export interface Context {
  sources: Sources;
  /** The client's base URL, once the client exists. */
  baseUrl?: string;
  timeout: number;
  /** The command that ran, once known: advice names its own flags. */
  command?: Command;
  /** `tts --live`: a 404 then means no live endpoint there, not a voice that was not found. */
  live?: boolean;
}

/** The flags a spec parameter comes from, where their names differ. */
const FLAG_OF: Readonly<Record<string, string>> = {
  reference_id: '--voice',
  text: 'TEXT',
  audio: 'FILE',
  voices: 'FILE',
  texts: '--text',
  id: 'ID',
};

/** Maps any thrown value to its exit code and one line saying what happened and what to do. */
export function explain(error: unknown, context: Context): Explanation {
  if (error instanceof CliError) return { code: error.code, message: error.message };
  if (error instanceof InvalidOptionError && Object.hasOwn(context.sources, error.option)) {
    return explainOption(error, context.sources);
  }
  if (error instanceof InvalidParameterError) {
    const flag = FLAG_OF[error.parameter] ?? `--${error.parameter.replaceAll('_', '-')}`;
    return {
      code: EXIT_CODES.USAGE,
      message: `Invalid ${flag}: ${error.message} ${seeHelp(context.command)}`,
    };
  }
  if (error instanceof APIError) return explainStatus(error, context.command, context.live);
  const where = context.baseUrl === undefined ? 'the API' : displayUrl(context.baseUrl);
  if (error instanceof APIConnectionTimeoutError) {
    return {
      code: EXIT_CODES.NETWORK,
      message: `No response from ${where} within ${context.timeout} ms${attempts(error.attempts, ' (', ')')}. Check the network and --base-url, or raise --timeout.`,
    };
  }
  if (error instanceof APIConnectionError && error.code === BLOCKED_PORT) {
    return {
      code: EXIT_CODES.NETWORK,
      message: `Could not reach ${where}: fetch never connects to ${portOf(where)} (the Fetch standard blocks it, with 25, 6000 and others); use another port in --base-url or ${BASE_URL_ENV}.`,
    };
  }
  if (error instanceof APIConnectionError) {
    // The system's code (ECONNREFUSED, ENOTFOUND) when there is one, else fetch's own words.
    const cause = error.cause as { message?: unknown } | undefined;
    const reason = error.code ?? cause?.message;
    const detail = typeof reason === 'string' ? clip(reason) : '';
    const said = [detail, attempts(error.attempts)].filter(Boolean).join(', ');
    return {
      code: EXIT_CODES.NETWORK,
      message: `Could not reach ${where}${said ? ` (${said})` : ''}. Check the network, and --base-url or ${BASE_URL_ENV}.`,
    };
  }
  if (error instanceof RealtimeError) {
    return {
      code: EXIT_CODES.NETWORK,
      message: `The live session with ${where} ended early: ${clip(error.message)} Check the network and retry.`,
    };
  }
  if (error instanceof InvalidResponseError) {
    return {
      code: EXIT_CODES.INVALID_RESPONSE,
      message: `${error.message} Check that --base-url points at the Fish Audio API.`,
    };
  }
  const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    code: EXIT_CODES.INTERNAL,
    message: `Unexpected ${clip(name)}. This is a bug in ${PROGRAM}; please report it.`,
  };
}

/**
 * A value the library refused (`checkBaseUrl`, `checkTimeout`, the key check), said in the
 * command's words: a flag's mistake is a usage error, the environment's a configuration error.
 */
function explainOption(error: InvalidOptionError, sources: Sources): Explanation {
  const source = sources[error.option as keyof Sources];
  // The library names its options (baseUrl, apiKey); the user wrote a flag or a variable.
  const message = error.message.replace(
    /\b(baseUrl|apiKey|timeout)\b/g,
    (name) => sources[name as keyof Sources],
  );
  if (source.startsWith('--')) {
    return { code: EXIT_CODES.USAGE, message: `${message} ${seeHelp()}` };
  }
  return { code: EXIT_CODES.CONFIG, message: `${message} Fix or unset ${source}.` };
}

/** `after 3 attempts` when a call was retried, else nothing: the count is the library's. */
function attempts(count: number, open = '', close = ''): string {
  return count > 1 ? `${open}after ${count} attempts${close}` : '';
}

/** What to check after a 403 or 404: the flags of the command that ran. */
const CHECK: Readonly<Record<Command, { forbidden: string; missing: string }>> = {
  credit: {
    forbidden: 'Check --user-id and --team-id, or use a key that has access.',
    missing: 'Check --user-id, and that --base-url points at the Fish Audio API.',
  },
  package: {
    forbidden: 'Check --user-id, or use a key that has access.',
    missing: 'Check --user-id, and that --base-url points at the Fish Audio API.',
  },
  tts: {
    forbidden: 'Check --voice and --model, or use a key that has access.',
    missing: 'Check --voice, and that --base-url points at the Fish Audio API.',
  },
  asr: {
    forbidden: 'Use a key that has access to speech to text.',
    missing: 'Check that --base-url points at the Fish Audio API.',
  },
  'voices list': {
    forbidden: 'Use a key that has access to voices.',
    missing: 'Check that --base-url points at the Fish Audio API.',
  },
  'voices get': {
    forbidden: 'Check the ID: a private voice is visible only to its owner.',
    missing: `Check the ID ('${PROGRAM} voices list --self' lists yours).`,
  },
  'voices create': {
    forbidden: 'Use a key that may create voices.',
    missing: 'Check that --base-url points at the Fish Audio API.',
  },
  'voices delete': {
    forbidden: 'Only its owner can delete a voice; check the ID.',
    missing: `Check the ID ('${PROGRAM} voices list --self' lists yours).`,
  },
};

function explainStatus(error: APIError, command: Command = 'credit', live = false): Explanation {
  const check = live
    ? {
        ...CHECK.tts,
        // The live handshake names no voice: a 404 is the endpoint missing.
        missing:
          'Nothing serves the live endpoint (/v1/tts/live) there: check that --base-url points at the Fish Audio API.',
      }
    : CHECK[command];
  const said = serverMessage(error.body);
  const tried = attempts(error.attempts);
  const status = `HTTP ${error.status}${said ? `: ${said}` : ''}${tried ? `, ${tried}` : ''}`;
  if (error instanceof AuthenticationError) {
    return {
      code: EXIT_CODES.AUTH,
      message: `The API refused the key (${status}). Check that ${KEY_ENV} holds a valid, current API key.`,
    };
  }
  if (error instanceof PermissionDeniedError) {
    return {
      code: EXIT_CODES.AUTH,
      message: `The key may not do this (${status}). ${check.forbidden}`,
    };
  }
  if (error instanceof PaymentRequiredError) {
    return {
      code: EXIT_CODES.PAYMENT,
      message: `Not enough API credit (${status}). API credit is separate from platform credit (the web app balance, see '${PROGRAM} package'): top up API credit for this key.`,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      code: EXIT_CODES.API,
      message: `Not found (${status}). ${check.missing}`,
    };
  }
  if (error instanceof RateLimitError) {
    const wait = error.retryAfter === undefined ? '' : ` after ${Math.ceil(error.retryAfter)} s`;
    return {
      code: EXIT_CODES.API,
      message: `Rate limited (${status}). Retry${wait}, with fewer requests running at once.`,
    };
  }
  const advice = error.status >= 500 ? 'The API failed; retry later.' : 'The API refused it.';
  return { code: EXIT_CODES.API, message: `${advice} (${status})` };
}

function serverMessage(body: unknown): string {
  if (typeof body === 'string') return clip(body);
  if (typeof body !== 'object' || body === null) return '';
  const { message, reason } = body as Record<string, unknown>;
  if (typeof message !== 'string') return clip(JSON.stringify(body));
  return clip(typeof reason === 'string' ? `${message} (${reason})` : message);
}

/** `port 9` of a URL, or `that port` when it cannot be read. */
function portOf(url: string): string {
  try {
    const { port } = new URL(url);
    return port === '' ? 'that port' : `port ${port}`;
  } catch {
    return 'that port';
  }
}
