#!/usr/bin/env node
/**
 * The `fish-audio` command: API credit and platform-credit package from a shell or a script.
 * `main()` does all the work and is what tests call; the last lines run it only when this file
 * is executed, so importing it has no side effects.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT_CODES, EXIT_CODE_MEANINGS, type ExitCode } from './cli-exit-codes.js';
import { compareDecimal, isDecimal } from './decimal.js';
import { isUsableApiKey, MAX_TIMEOUT_MS } from './options.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  DEFAULTS,
  FishAudio,
  InvalidParameterError,
  InvalidResponseError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  VERSION,
  type ApiCreditParams,
  type PackageParams,
} from './index.js';

export { EXIT_CODES, EXIT_CODE_MEANINGS, type ExitCode };

/** A stream `main()` writes to: `process.stdout` or a test's stand-in. */
export interface CliOutput {
  write(text: string): unknown;
  /** Colour is used only when this is `true`. */
  isTTY?: boolean;
}

/** Where `main()` writes. */
export interface CliIO {
  stdout: CliOutput;
  stderr: CliOutput;
}

/** The environment `main()` reads (`FISH_API_KEY`, `FISH_BASE_URL`, `NO_COLOR`). */
export type CliEnv = Readonly<Record<string, string | undefined>>;

const BASE_URL_ENV = 'FISH_BASE_URL';
const KEY_ENV = DEFAULTS.apiKeyEnvVar;
const SEE_HELP = "Run 'fish-audio --help' for usage.";

const OPTIONS = {
  'user-id': { type: 'string' },
  'team-id': { type: 'string' },
  'check-free-credit': { type: 'boolean' },
  min: { type: 'string' },
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Flag = keyof typeof OPTIONS;
type Command = 'credit' | 'package';

// Flags that only make sense for one command; the rest apply to all.
const COMMAND_FLAGS: Record<Command, readonly Flag[]> = {
  credit: ['user-id', 'team-id', 'check-free-credit', 'min', 'json'],
  package: ['user-id', 'json'],
};
const GLOBAL_FLAGS: readonly Flag[] = ['base-url', 'timeout', 'help', 'version'];

const HELP = `fish-audio ${VERSION}: Fish Audio credit from the command line.

Usage:
  fish-audio credit [--user-id ID] [--team-id ID] [--check-free-credit] [--min AMOUNT] [--json]
  fish-audio package [--user-id ID] [--json]
  fish-audio --help | --version

Commands:
  credit     The API credit balance: what API calls spend.
  package    The platform credit package: the web app's balance, separate from API credit.

Flags:
  --user-id ID          Whose wallet to read (default: self, the key's owner).
  --team-id ID          A team's API credit instead of the user's (credit only).
  --check-free-credit   Ask the API whether free credit is available (credit only).
  --min AMOUNT          Exit ${EXIT_CODES.BELOW_MIN} unless the API credit is at least AMOUNT, a decimal such as
                        5 or 0.30; write a negative one as --min=-1 (credit only).
  --json                Print the response body as JSON instead of a summary.
  --base-url URL        Where the API is, e.g. a proxy (default: ${DEFAULTS.baseUrl}).
  --timeout MS          Milliseconds one attempt may take (default: ${DEFAULTS.timeout}); failed
                        requests are retried ${DEFAULTS.maxRetries} times.
  -h, --help            Show this help.
  -v, --version         Show the version.

Environment:
  FISH_API_KEY          Your API key (required).
  FISH_BASE_URL         The base URL when --base-url is not given.
  NO_COLOR              Any non-empty value turns colour off.

Exit codes:
${Object.entries(EXIT_CODE_MEANINGS)
  .map(([code, meaning]) => `  ${code}  ${meaning}`)
  .join('\n')}
`;

/** A failure the CLI itself detected, with the exit code it maps to. */
class CliError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

interface Styles {
  bold(text: string): string;
  red(text: string): string;
}

function styles(stream: CliOutput, env: CliEnv): Styles {
  // https://no-color.org: set and non-empty disables colour; pipes and files never get it.
  const on = stream.isTTY === true && !env.NO_COLOR;
  const wrap = (open: string, close: string) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { bold: wrap('1', '22'), red: wrap('31', '39') };
}

interface Args {
  command: Command;
  values: Partial<Record<Flag, string | boolean>>;
}

type Parsed = { help: true } | { version: true } | Args;

function parseCommandLine(argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(EXIT_CODES.USAGE, `${describeParseError(error)} ${SEE_HELP}`);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') return { help: true };
  if (values.version) return { version: true };
  if (command === undefined) throw new CliError(EXIT_CODES.USAGE, `No command given. ${SEE_HELP}`);
  if (command !== 'credit' && command !== 'package') {
    throw new CliError(EXIT_CODES.USAGE, `Unknown command ${JSON.stringify(command)}. ${SEE_HELP}`);
  }
  if (extra.length > 0) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `Unexpected argument ${JSON.stringify(extra[0])} after '${command}'. ${SEE_HELP}`,
    );
  }
  for (const flag of Object.keys(values) as Flag[]) {
    if (!GLOBAL_FLAGS.includes(flag) && !COMMAND_FLAGS[command].includes(flag)) {
      throw new CliError(EXIT_CODES.USAGE, `--${flag} does not apply to '${command}'. ${SEE_HELP}`);
    }
  }
  return { command, values };
}

/** parseArgs explains over several lines, with advice about positionals that does not apply. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message);
  const flag = /'(-[^' ]+)/.exec(text)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown flag ${flag}.`;
  if (/ambiguous/.test(text))
    return `${flag} needs a value; write one that starts with "-" as ${flag}=VALUE.`;
  if (/argument missing/.test(text)) return `${flag} needs a value.`;
  if (/does not take an argument/.test(text)) return `${flag} does not take a value.`;
  return `${text.split('\n')[0]}.`.replace(/\.+$/, '.');
}

interface Settings {
  apiKey: string;
  baseUrl: string;
  timeout: number;
}

/** Checks flag values first (usage errors), then the environment (configuration errors). */
function readSettings(args: Args, env: CliEnv): Settings {
  const { values } = args;
  const min = values.min;
  if (typeof min === 'string' && !isDecimal(min)) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `--min ${JSON.stringify(min)} is not a decimal amount; write it like 5, 0.30 or --min=-1. ${SEE_HELP}`,
    );
  }
  const timeout = readTimeout(values.timeout);
  const flagUrl = values['base-url'];
  const baseUrl =
    typeof flagUrl === 'string'
      ? checkUrl(flagUrl, '--base-url', EXIT_CODES.USAGE)
      : env[BASE_URL_ENV]?.trim()
        ? checkUrl(env[BASE_URL_ENV].trim(), BASE_URL_ENV, EXIT_CODES.CONFIG)
        : DEFAULTS.baseUrl;
  const apiKey = env[KEY_ENV]?.trim();
  if (!apiKey) {
    throw new CliError(
      EXIT_CODES.CONFIG,
      `${KEY_ENV} is not set. Create an API key in your Fish Audio account, then run: export ${KEY_ENV}=<your key>`,
    );
  }
  if (!isUsableApiKey(apiKey)) {
    throw new CliError(
      EXIT_CODES.CONFIG,
      `${KEY_ENV} contains spaces or characters an HTTP header cannot carry; copy the key again.`,
    );
  }
  return { apiKey, baseUrl, timeout };
}

function readTimeout(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULTS.timeout;
  const ms = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS)) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `--timeout ${JSON.stringify(value)} is not a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}. ${SEE_HELP}`,
    );
  }
  return ms;
}

function checkUrl(value: string, source: string, code: ExitCode): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below.
  }
  const fix = code === EXIT_CODES.USAGE ? SEE_HELP : `Fix or unset ${BASE_URL_ENV}.`;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CliError(
      code,
      `${source} must be an http(s) URL such as ${DEFAULTS.baseUrl}. ${fix}`,
    );
  }
  // fetch refuses URLs with credentials, and an error line must never print them.
  if (url.username || url.password) {
    throw new CliError(code, `${source} must not contain a user name or password. ${fix}`);
  }
  return value;
}

/** Where requests go, as error lines show it: no query string, which could hold a token. */
function displayUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

interface Printer {
  out(text: string): void;
  bold(text: string): string;
}

async function runCredit(client: FishAudio, values: Args['values'], print: Printer) {
  const params: ApiCreditParams = {};
  if (typeof values['user-id'] === 'string') params.user_id = values['user-id'];
  // Sent only when given, so that a plain `credit` asks exactly what the API defaults to.
  if (typeof values['team-id'] === 'string') params.team_id = values['team-id'];
  if (values['check-free-credit']) params.check_free_credit = true;
  const body: Record<string, unknown> = await client.wallet.getApiCredit(params);
  const credit = body.credit;
  const min = values.min;
  if (values.json) print.out(`${JSON.stringify(body, null, 2)}\n`);
  if ((!values.json || typeof min === 'string') && !isDecimal(credit)) {
    throw new CliError(
      EXIT_CODES.INVALID_RESPONSE,
      `The API answered without a decimal "credit" (got ${clip(JSON.stringify(credit) ?? 'nothing')}). Check that --base-url points at the Fish Audio API.`,
    );
  }
  if (!values.json) {
    print.out(
      table([
        // Checked to be a decimal above, so it has no control characters to strip.
        ['API credit', print.bold(String(credit))],
        ['user', show(body.user_id)],
        ['cumulative top-up', show(body.cumulative_top_up)],
        ['free credit', show(body.has_free_credit)],
        ['updated at', show(body.updated_at)],
      ]),
    );
  }
  if (typeof min === 'string' && compareDecimal(String(credit), min) < 0) {
    throw new CliError(
      EXIT_CODES.BELOW_MIN,
      `API credit ${String(credit)} is below --min ${min}. Top up API credit for this key; platform credit does not count.`,
    );
  }
  return EXIT_CODES.OK;
}

async function runPackage(client: FishAudio, values: Args['values'], print: Printer) {
  const params: PackageParams = {};
  if (typeof values['user-id'] === 'string') params.user_id = values['user-id'];
  const body: Record<string, unknown> = await client.wallet.getPackage(params);
  if (values.json) {
    print.out(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT_CODES.OK;
  }
  const balance = body.balance;
  if (!Number.isFinite(balance) && !isDecimal(balance)) {
    throw new CliError(
      EXIT_CODES.INVALID_RESPONSE,
      `The API answered without a numeric "balance" (got ${clip(JSON.stringify(balance) ?? 'nothing')}). Check that --base-url points at the Fish Audio API.`,
    );
  }
  print.out(
    table([
      ['platform credit', print.bold(String(balance))],
      ['extra balance', show(body.extra_balance)],
      ['total', show(body.total)],
      ['plan', show(body.type)],
      ['billing period', show(body.billing_period)],
      ['period ends', show(body.current_period_end)],
      ['cancels at period end', show(body.cancel_at_period_end)],
      ['cancels at', show(body.cancel_at)],
      ['finished at', show(body.finished_at)],
      ['user', show(body.user_id)],
      ['updated at', show(body.updated_at)],
    ]),
  );
  return EXIT_CODES.OK;
}

/** Label/value lines with the values aligned; rows without a value are left out. */
function table(rows: Array<[string, string | undefined]>): string {
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  return shown.map(([label, value]) => `${label.padEnd(width)}${value}\n`).join('');
}

/** A body field as summary text, or `undefined` when the API left it out or sent null. */
function show(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return oneLine(typeof value === 'string' ? value : JSON.stringify(value));
}

/** What went wrong, as one line and an exit code. */
function explain(error: unknown, settings: Settings): { code: ExitCode; message: string } {
  if (error instanceof CliError) return { code: error.code, message: error.message };
  if (error instanceof InvalidParameterError) {
    const flag = `--${error.parameter.replaceAll('_', '-')}`;
    return { code: EXIT_CODES.USAGE, message: `Invalid ${flag}: ${error.message} ${SEE_HELP}` };
  }
  if (error instanceof APIError) return explainStatus(error);
  const where = displayUrl(settings.baseUrl);
  if (error instanceof APIConnectionTimeoutError) {
    return {
      code: EXIT_CODES.NETWORK,
      message: `No response from ${where} within ${settings.timeout} ms (${DEFAULTS.maxRetries + 1} attempts). Check the network and --base-url, or raise --timeout.`,
    };
  }
  if (error instanceof APIConnectionError) {
    // The system's code (ECONNREFUSED, ENOTFOUND) when there is one, else fetch's own words.
    const cause = error.cause as { message?: unknown } | undefined;
    const reason = error.code ?? cause?.message;
    const detail = typeof reason === 'string' ? ` (${clip(reason)})` : '';
    return {
      code: EXIT_CODES.NETWORK,
      message: `Could not reach ${where}${detail}. Check the network, and --base-url or ${BASE_URL_ENV}.`,
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
    message: `Unexpected ${clip(name)}. This is a bug in fish-audio; please report it.`,
  };
}

function explainStatus(error: APIError): { code: ExitCode; message: string } {
  const said = serverMessage(error.body);
  const status = `HTTP ${error.status}${said ? `: ${said}` : ''}`;
  if (error instanceof AuthenticationError) {
    return {
      code: EXIT_CODES.AUTH,
      message: `The API refused the key (${status}). Check that ${KEY_ENV} holds a valid, current API key.`,
    };
  }
  if (error instanceof PermissionDeniedError) {
    return {
      code: EXIT_CODES.AUTH,
      message: `The key may not do this (${status}). Check --user-id and --team-id, or use a key that has access.`,
    };
  }
  if (error instanceof PaymentRequiredError) {
    return {
      code: EXIT_CODES.PAYMENT,
      message: `Not enough API credit (${status}). API credit is separate from platform credit (the web app balance, see 'fish-audio package'): top up API credit for this key.`,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      code: EXIT_CODES.API,
      message: `Not found (${status}). Check --user-id, and that --base-url points at the Fish Audio API.`,
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

/** One line, without control characters: server text must not move the cursor or add lines. */
function oneLine(text: string): string {
  return text.replace(/[\s\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
}

function clip(text: string): string {
  const flat = oneLine(text);
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * Runs the `fish-audio` command and resolves to its exit code (see {@link EXIT_CODES}); it
 * never rejects. Results go to `io.stdout`; every failure is one line on `io.stderr`, without
 * a stack trace and without the API key.
 *
 * @param argv The arguments after the program name, e.g. `['credit', '--json']`.
 * @param env The environment, e.g. `process.env`; nothing else is read.
 */
export async function main(argv: readonly string[], env: CliEnv, io: CliIO): Promise<ExitCode> {
  const err = styles(io.stderr, env);
  const out = styles(io.stdout, env);
  // Until the settings are read, errors are about arguments and need none of these.
  let settings: Settings = { apiKey: '', baseUrl: DEFAULTS.baseUrl, timeout: DEFAULTS.timeout };
  try {
    const parsed = parseCommandLine(argv);
    if ('help' in parsed) {
      io.stdout.write(HELP);
      return EXIT_CODES.OK;
    }
    if ('version' in parsed) {
      io.stdout.write(`${VERSION}\n`);
      return EXIT_CODES.OK;
    }
    settings = readSettings(parsed, env);
    // The CLI checks the fields it uses itself (a decimal `credit`, a numeric `balance`); drift
    // in any other field must not break a budget guard, and --json relays the body as it came.
    const client = new FishAudio({ ...settings, validateResponses: 'off' });
    const print: Printer = { out: (text) => io.stdout.write(text), bold: out.bold };
    const run = parsed.command === 'credit' ? runCredit : runPackage;
    return await run(client, parsed.values, print);
  } catch (error) {
    const { code, message } = explain(error, settings);
    // A server may echo what it was sent; the key must not reach a terminal or a CI log.
    const secret = settings.apiKey;
    const safe = secret ? message.replaceAll(secret, '[redacted]') : message;
    io.stderr.write(`${err.red('error:')} ${oneLine(safe)}\n`);
    return code;
  }
}

/** Whether Node was started on this file, directly or through a symlink such as node_modules/.bin. */
function isDirectRun(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isDirectRun()) {
  // `fish-audio credit | head -1` closes the pipe early: that is not worth a stack trace.
  process.stdout.on('error', () => {});
  main(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr })
    .catch(() => EXIT_CODES.INTERNAL)
    .then((code) => {
      // exitCode, not exit(): a pipe still receiving the output gets all of it.
      process.exitCode = code;
    });
}
