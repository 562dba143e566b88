#!/usr/bin/env node
/**
 * The `fish-audio-api` command: API credit, platform-credit package, text to speech, speech
 * to text and voices from a shell or a script. `main()` does all the work and is what tests call; the last lines run it only when
 * this file is executed, so importing it has no side effects.
 *
 * One concern per file: `args.ts` (commands, flags, settings), `help.ts`, `render.ts` (output),
 * `errors.ts` (error → exit code and line), `exit-codes.ts`, `retry-notice.ts`, `speech.ts`
 * (`tts` and `asr`), `voices.ts` (`voices list`, `get`, `create`, `delete`).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FishAudio } from '../client.js';
import { compareDecimal, isDecimal } from '../decimal.js';
import { DEFAULTS } from '../options.js';
import { redactor } from '../redact.js';
import type { ApiCreditParams, PackageParams } from '../types.js';
import { VERSION } from '../version.js';
import {
  CLI_TIMEOUT_MS,
  KEY_ENV,
  parseCommandLine,
  readSettings,
  sourcesOf,
  type CliEnv,
  type FlagValues,
} from './args.js';
import { explain, type Context } from './errors.js';
import { CliError, EXIT_CODES, EXIT_CODE_MEANINGS, type ExitCode } from './exit-codes.js';
import { helpText, helpWidth } from './help.js';
import { watchStdout, type SignalSource } from './output.js';
import { progressLine } from './progress.js';
import {
  announceRetries,
  waitingLine,
  WAITING_AFTER_MS,
  type NoticeSettings,
} from './retry-notice.js';
import { clip, oneLine, show, styles, table, type CliOutput } from './render.js';
import { planAsr, planTts, runAsr, runTts, type CliInput } from './speech.js';
import {
  planVoicesCreate,
  runVoicesCreate,
  runVoicesDelete,
  runVoicesGet,
  runVoicesList,
} from './voices.js';

export {
  EXIT_CODES,
  EXIT_CODE_MEANINGS,
  type CliEnv,
  type CliInput,
  type CliOutput,
  type ExitCode,
  type SignalSource,
};

/** Where `main()` writes, and where `tts -` reads its text. */
export interface CliIO {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Read only by `tts -`; without it that text is empty. */
  stdin?: CliInput;
  /**
   * SIGINT and SIGTERM (the direct run passes `process`): heard only while `tts -o FILE` has a
   * temporary file, which they remove before the run ends with 130 or 143. Without it, nothing
   * listens, and no listener is ever left behind once `main` returns.
   */
  signals?: SignalSource;
}

interface Printer {
  /** `false` once stdout takes no more (its reader left, or the disk is full). */
  out(text: string): boolean;
  bold(text: string): string;
}

async function runCredit(client: FishAudio, values: FlagValues, print: Printer) {
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

async function runPackage(client: FishAudio, values: FlagValues, print: Printer) {
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

/**
 * Runs the `fish-audio-api` command and resolves to its exit code (see {@link EXIT_CODES}); it
 * never rejects. Results go to `io.stdout`; every failure is one line on `io.stderr`, without
 * a stack trace and without the API key. A retry is announced on `io.stderr` as it starts.
 *
 * @param argv The arguments after the program name, e.g. `['credit', '--json']`.
 * @param env The environment, e.g. `process.env`; nothing else is read.
 */
export async function main(argv: readonly string[], env: CliEnv, io: CliIO): Promise<ExitCode> {
  const err = styles(io.stderr, env);
  const out = styles(io.stdout, env);
  // A server may echo what it was sent, and a person may paste the key where a file name or a
  // flag's value goes: the key must not reach a terminal or a CI log. Made first, before any
  // argument is read, with the library's redactor, so the command and the library agree on what
  // counts as the key.
  const redact = redactor(env[KEY_ENV]?.trim() || null).text;
  const line = (text: string) => oneLine(redact(text));
  const context: Context = { sources: sourcesOf({}, env), timeout: CLI_TIMEOUT_MS };
  const stdout = watchStdout(io.stdout);
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      io.stdout.write(helpText(parsed.command, helpWidth(io.stdout)));
      return EXIT_CODES.OK;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT_CODES.OK;
    }
    context.sources = sourcesOf(parsed.values, env);
    context.command = parsed.command;
    const { command, values, operand = '', operands } = parsed;
    // Checked before the settings, so that a wrong file is a usage error even without a key.
    const tts = command === 'tts' ? await planTts(values, operand, io.stdout) : undefined;
    context.live = tts?.live === true;
    const asr = command === 'asr' ? await planAsr(values, operand) : undefined;
    const create =
      command === 'voices create' ? await planVoicesCreate(values, operands) : undefined;
    const settings = readSettings(values, env, command);
    context.timeout = settings.timeout;
    const notices: NoticeSettings = {
      maxAttempts: DEFAULTS.maxRetries + 1,
      timeout: settings.timeout,
      notice: (text) => io.stderr.write(`${line(text)}\n`),
      waitingAfter: io.stderr.isTTY === true ? WAITING_AFTER_MS : undefined,
    };
    const client = new FishAudio({
      ...settings,
      // The CLI checks the fields it uses itself (a decimal `credit`, a numeric `balance`);
      // drift in any other field must not break a budget guard, and --json relays the body.
      validateResponses: 'off',
      fetch: announceRetries((input, init) => globalThis.fetch(input, init), notices),
    });
    context.baseUrl = client.baseUrl;
    const print: Printer = { out: stdout.write, bold: out.bold };
    const run = async (): Promise<ExitCode> => {
      if (tts) {
        const warn = (text: string) => io.stderr.write(`${line(text)}\n`);
        const { stdin, signals } = io;
        // Lines for a person at a terminal; a script's stderr stays for warnings and errors.
        const note = values.quiet || io.stderr.isTTY !== true ? undefined : warn;
        const progress = note
          ? () =>
              progressLine(
                (text) => io.stderr.write(text),
                () => performance.now(),
              )
          : undefined;
        return await runTts(client, tts, {
          stdout: io.stdout,
          stdin,
          signals,
          warn,
          note,
          progress,
          waiting: (url) => waitingLine(notices, url),
        });
      }
      if (asr) return await runAsr(client, asr, print.out);
      if (create) return await runVoicesCreate(client, create, print.out);
      if (command === 'voices list') return await runVoicesList(client, values, print.out);
      if (command === 'voices get') return await runVoicesGet(client, operand, values, print.out);
      if (command === 'voices delete') return await runVoicesDelete(client, operand, print.out);
      return await (command === 'credit' ? runCredit : runPackage)(client, values, print);
    };
    // A full disk under stdout is its own failure; a reader that left (`| head`) is not one.
    return stdout.check(await run());
  } catch (error) {
    const { code, message } = explain(error, context);
    io.stderr.write(`${err.red('error:')} ${line(message)}\n`);
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
  // `fish-audio-api credit | head -1` closes the pipe early: main() sees the failed write
  // itself and stops, and the stream's own 'error' event is not worth a stack trace.
  process.stdout.on('error', () => {});
  main(process.argv.slice(2), process.env, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signals: process,
  })
    .catch(() => EXIT_CODES.INTERNAL)
    .then((code) => {
      // exitCode, not exit(): a pipe still receiving the output gets all of it.
      process.exitCode = code;
      // `tts --live` that failed may still be waiting on stdin: nothing more is read.
      process.stdin.destroy();
    });
}
