/**
 * `tts` and `asr`: checking what they were given before anything is sent, streaming audio to a
 * file or stdout without holding it in memory, and uploading a file without reading it first.
 */
import { randomBytes } from 'node:crypto';
import { constants, openAsBlob } from 'node:fs';
import { access, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FishAudio } from '../client.js';
import { APIConnectionError, APIConnectionTimeoutError } from '../errors.js';
import { nearest } from '../options.js';
import type { LiveRequest, LiveSession } from '../realtime/index.js';
import type { TTSRequest } from '../resources/speech.js';
import { FORMATS, KNOWN_MODELS, seeHelp, type Command, type FlagValues } from './args.js';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes.js';
import {
  errnoOf,
  interrupted,
  onSignals,
  problemOf,
  writeError,
  type Signal,
  type SignalSource,
} from './output.js';
import type { Progress } from './progress.js';
import { clip, displayUrl, quoteName, sizeOf, type CliOutput } from './render.js';

/** Where the command reads piped text from: `process.stdin` or a test's stand-in. */
export type CliInput = AsyncIterable<string | Uint8Array>;

/** A `tts` run, checked. */
export interface TtsPlan {
  /** The text, or `undefined` to read it from stdin. */
  text: string | undefined;
  /** A file path, or `'-'` for stdout. */
  output: string;
  voice?: string;
  model?: string;
  format?: (typeof FORMATS)[number];
  /** `--live`: stdin line by line over a live session. */
  live?: boolean;
}

/**
 * Checks a `tts` command line against the terminal and the file system, so that a mistake is a
 * usage error before the key is read or any credit is spent.
 */
export async function planTts(
  values: FlagValues,
  operand: string,
  stdout: CliOutput,
): Promise<TtsPlan> {
  const output = String(values.output);
  if (output === '-' && stdout.isTTY === true) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `Refusing to write audio to a terminal: pipe -o - into a player or a file, or give -o FILE. ${seeHelp('tts')}`,
    );
  }
  if (output === '')
    throw new CliError(EXIT_CODES.USAGE, `-o needs a file name. ${seeHelp('tts')}`);
  if (output !== '-' && (await stat(output).catch(() => undefined))?.isDirectory()) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `-o ${quoteName(output)} is a directory; give a file name such as ${quoteName(path.join(output, 'speech.mp3'))}. ${seeHelp('tts')}`,
    );
  }
  if (values.live) {
    if (operand !== '' && operand !== '-') {
      throw new CliError(
        EXIT_CODES.USAGE,
        `tts --live reads its text from stdin, line by line: leave out TEXT (or write -). ${seeHelp('tts')}`,
      );
    }
    await checkWs();
  }
  const plan: TtsPlan = { text: operand === '-' || values.live ? undefined : operand, output };
  if (values.live) plan.live = true;
  if (typeof values.voice === 'string') plan.voice = values.voice;
  if (typeof values.model === 'string') plan.model = values.model;
  const format = typeof values.format === 'string' ? values.format : formatOf(output);
  if (format !== undefined) {
    if (!isFormat(format)) {
      const near = nearest(format, FORMATS);
      throw new CliError(
        EXIT_CODES.USAGE,
        `--format ${quoteName(format)} is not one of ${FORMATS.join(', ')}.${near ? ` Did you mean ${near}?` : ''} ${seeHelp('tts')}`,
      );
    }
    plan.format = format;
  }
  if (plan.text !== undefined && plan.text.trim() === '') throw noText();
  return plan;
}

/**
 * `--live` on Node needs the optional `ws` package (Bun and Deno bring a WebSocket that sends
 * headers): found missing here, before the key is read, rather than as a failed session.
 */
async function checkWs(): Promise<void> {
  const global = globalThis as Record<string, unknown>;
  if (global.Bun !== undefined || global.Deno !== undefined) return;
  try {
    await import('ws');
  } catch {
    throw new CliError(
      EXIT_CODES.CONFIG,
      "tts --live needs the ws package, which is not installed: run 'npm install ws' where fish-audio-api is installed.",
    );
  }
}

/** The format an output name asks for (`hi.WAV` → `wav`); none for stdout or other names. */
function formatOf(output: string): string | undefined {
  const ext = path.extname(output).slice(1).toLowerCase();
  return isFormat(ext) ? ext : undefined;
}

function isFormat(value: string): value is (typeof FORMATS)[number] {
  return (FORMATS as readonly string[]).includes(value);
}

function noText() {
  return new CliError(EXIT_CODES.USAGE, `There is no text to speak. ${seeHelp('tts')}`);
}

/** What `runTts` needs besides the plan. */
export interface TtsIO {
  stdout: CliOutput;
  stdin: CliInput | undefined;
  /** SIGINT and SIGTERM, heard while a temporary file exists (see {@link saveAudio}). */
  signals: SignalSource | undefined;
  /** Writes one warning line on stderr. */
  warn(line: string): void;
  /** Writes one line for a person on stderr; absent with `--quiet`. */
  note?(line: string): void;
  /** Starts the progress line of a download to a file; absent where nobody watches. */
  progress?(): Progress;
  /**
   * Starts the "waiting for <host>" line of the live handshake, as HTTP calls have it (see
   * retry-notice.ts); returns what stops it. Absent where nobody watches.
   */
  waiting?(url: string): (() => void) | undefined;
}

/**
 * Synthesises and streams the audio as it arrives, to stdout or to `-o FILE` (see
 * {@link saveAudio}); with `--live`, over a live session fed by stdin's lines.
 */
export async function runTts(client: FishAudio, plan: TtsPlan, io: TtsIO): Promise<ExitCode> {
  const text = plan.live ? '' : (plan.text ?? (await readAll(io.stdin)));
  if (!plan.live && text.trim() === '') throw noText();
  if (plan.model !== undefined && !(KNOWN_MODELS as readonly string[]).includes(plan.model)) {
    const near = nearest(plan.model, KNOWN_MODELS);
    io.warn(
      `warning: --model ${quoteName(plan.model)} is not one of ${KNOWN_MODELS.join(', ')}; the API uses the paid s2.1-pro for a name it does not know.${near ? ` Did you mean ${near}?` : ''}`,
    );
  }
  if (plan.model === undefined) {
    io.note?.(
      'note: no --model: the API uses its default, the paid s2.1-pro; --model s2.1-pro-free costs nothing in development.',
    );
  }
  const request: TTSRequest = { text };
  if (plan.voice !== undefined) request.reference_id = plan.voice;
  if (plan.model !== undefined) request.model = plan.model;
  if (plan.format !== undefined) request.format = plan.format;

  if (plan.live) return await runLive(client, plan, io);
  return await saveAudio(plan.output, io, client.baseUrl, async (signal) => {
    const audio = await client.tts.convert(request, { signal });
    // A proxy's error page or a JSON body with a 200 must not be saved as out.mp3.
    if (/^text\/|json|html|xml/i.test(audio.contentType)) {
      await audio.body.cancel().catch(() => {});
      throw new CliError(
        EXIT_CODES.INVALID_RESPONSE,
        `The API answered ${clip(audio.contentType)} instead of audio; nothing was written. Check that --base-url points at the Fish Audio API.`,
      );
    }
    return audio;
  });
}

/**
 * `tts --live`: each non-blank line of stdin is sent, then flushed, so its audio comes while
 * the next line is still being written; stdin's end ends the session. (`liveSpeech` sends
 * without flushing, and the API then waits for `chunk_length` characters before speaking.)
 * The realtime entry is imported here, so that no other command loads WebSocket code.
 */
async function runLive(client: FishAudio, plan: TtsPlan, io: TtsIO): Promise<ExitCode> {
  const { openLiveSession } = await import('../realtime/index.js');
  const fields: LiveRequest = {};
  if (plan.voice !== undefined) fields.reference_id = plan.voice;
  if (plan.model !== undefined) fields.model = plan.model;
  if (plan.format !== undefined) fields.format = plan.format;
  let pump: Promise<void> | undefined;
  let live: LiveSession | undefined;
  try {
    return await saveAudio(
      plan.output,
      io,
      client.baseUrl,
      async (signal) => {
        const stopWaiting = io.waiting?.(client.baseUrl);
        const session = await openLiveSession(client, fields, { signal }).finally(stopWaiting);
        live = session;
        let sent = 0;
        pump = (async () => {
          try {
            for await (const line of linesOf(io.stdin)) {
              if (line.trim() === '') continue;
              session.send(line);
              session.flush();
              sent += 1;
            }
            if (sent === 0) throw noText();
            session.end();
          } catch (error) {
            // The audio loop then ends; `beforeCommit` rethrows, so nothing is kept.
            session.close();
            throw error;
          }
        })();
        pump.catch(() => {});
        return session;
      },
      // The session closed by a failed pump ends the audio normally: the pump decides.
      () => pump,
    );
  } finally {
    // However the output ended (a FIFO's reader that left, a full disk), no session outlives
    // the command: a pipeline that failed while waiting for the next frame cannot stop it.
    live?.close();
  }
}

/** stdin's lines as they come, each with its line break; the last one even without. */
async function* linesOf(input: CliInput | undefined): AsyncGenerator<string> {
  if (!input) return;
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of input) {
    buffered += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n')) !== -1) {
      yield buffered.slice(0, end + 1);
      buffered = buffered.slice(end + 1);
    }
  }
  buffered += decoder.decode();
  if (buffered !== '') yield buffered;
}

/**
 * How `-o` is written: to stdout; in place, for a FIFO or a device (`-o /dev/null`), which a
 * rename would replace with a regular file; else through a temporary file renamed onto it.
 */
type Target = 'stdout' | 'in place' | 'temp';

async function targetOf(output: string): Promise<Target> {
  if (output === '-') return 'stdout';
  const info = await stat(output).catch(() => undefined);
  return info && !info.isFile() && !info.isDirectory() ? 'in place' : 'temp';
}

/**
 * Streams audio chunks as they arrive: to stdout, to a FIFO or device in place, or to a
 * temporary file beside `output` that is renamed onto it only once the whole audio has arrived
 * (and `beforeCommit` has resolved), so a failure never leaves a truncated file (nor replaces a
 * good one). SIGINT and SIGTERM are heard only while that temporary file exists: they remove it.
 */
async function saveAudio(
  output: string,
  io: TtsIO,
  baseUrl: string,
  open: (signal: AbortSignal) => Promise<AsyncIterable<Uint8Array>>,
  beforeCommit: () => Promise<void> | undefined = () => undefined,
): Promise<ExitCode> {
  const target = await targetOf(output);
  // A symlink is written through, as a shell's `>` does: the temporary file goes beside the
  // file it leads to, and the rename replaces that file, never the link.
  const destination = target === 'temp' ? await realpath(output).catch(() => output) : output;
  const stop = new AbortController();
  // Heard before the temporary file exists, so no signal finds it unguarded. Any other run
  // has nothing to remove, and dies of a signal as usual.
  const unlisten =
    target === 'temp' ? onSignals(io.signals, (signal) => stop.abort(signal)) : () => {};
  let file: FileHandle | undefined;
  let tempPath: string | undefined;
  let bytes = 0;
  let shown: Progress | undefined;
  try {
    // Opened before the call: an unwritable -o must not cost a synthesis.
    if (target === 'in place') file = await openOutput(output);
    if (target === 'temp') ({ path: tempPath, handle: file } = await openTemp(output, destination));
    const sink = file ? file.createWriteStream() : writableOf(io.stdout);
    const audio = await open(stop.signal);
    shown = target === 'stdout' ? undefined : io.progress?.();
    await pipeline(
      audio,
      async function* count(chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          bytes += chunk.byteLength;
          shown?.update(bytes);
          yield chunk;
        }
      },
      sink,
      // stdout stays open for the error line's neighbours and for the process to flush.
      { end: target !== 'stdout', signal: stop.signal },
    );
    await beforeCommit();
    shown?.done();
    if (tempPath) {
      stop.signal.throwIfAborted();
      await rename(tempPath, destination);
    }
    if (target !== 'stdout')
      io.note?.(`Saved ${sizeOf(bytes)} of audio to ${quoteName(output, Infinity)}.`);
    return EXIT_CODES.OK;
  } catch (error) {
    if (stop.signal.aborted) throw interrupted(stop.signal.reason as Signal, output);
    const code = errnoOf(error);
    // `… | head -c 100`, or a FIFO's reader, leaving early is the reader's choice.
    if (code === 'EPIPE' && target !== 'temp') return EXIT_CODES.OK;
    if (code !== undefined) {
      const where = target === 'stdout' ? 'to stdout' : quoteName(output);
      throw writeError(where, error, target === 'temp' ? '; it was left as it was' : '');
    }
    throw describeBreak(error, bytes, output, target, baseUrl);
  } finally {
    shown?.done(); // before any error line
    try {
      // Closed even when the call failed first: a FIFO's reader then sees the end at once.
      await file?.close().catch(() => {});
      if (tempPath) await rm(tempPath, { force: true });
    } finally {
      // Only now: a second Ctrl-C during the clean-up must not cut it short.
      unlisten();
    }
  }
}

/** A stream failure after the headers, said as what happened to the audio. */
function describeBreak(
  error: unknown,
  bytes: number,
  output: string,
  target: Target,
  baseUrl: string,
): unknown {
  if (!(error instanceof APIConnectionError) || bytes === 0) return error;
  const kept =
    target === 'temp'
      ? `${output} was not written`
      : `${target === 'stdout' ? 'stdout' : output} got only part of the audio`;
  const where = displayUrl(baseUrl);
  if (error instanceof APIConnectionTimeoutError) {
    return new CliError(
      EXIT_CODES.NETWORK,
      `The audio from ${where} stalled after ${bytes} bytes; ${kept}. Retry, or raise --timeout.`,
    );
  }
  return new CliError(
    EXIT_CODES.NETWORK,
    `The connection to ${where} broke after ${bytes} bytes of audio; ${kept}. Check the network and retry.`,
  );
}

/**
 * A new file beside `destination` (same directory, so the final rename is atomic), with the
 * permissions of the file it will replace: a rename must not make a private file readable by all.
 */
async function openTemp(output: string, destination: string) {
  const tempPath = path.join(
    path.dirname(path.resolve(destination)),
    `.${path.basename(destination)}.${randomBytes(4).toString('hex')}.part`,
  );
  const handle = await openOutput(output, tempPath, 'wx');
  const old = await stat(destination).catch(() => undefined);
  if (old?.isFile()) await handle.chmod(old.mode & 0o777).catch(() => {});
  return { path: tempPath, handle };
}

/**
 * Opens `file` for `-o output`: by default the existing FIFO or device itself, never creating
 * a file (a FIFO waits here for its reader, as a shell's `>` does). A failure here is found
 * before anything is sent, so it is a usage error.
 */
async function openOutput(
  output: string,
  file = output,
  flags: string | number = constants.O_WRONLY,
): Promise<FileHandle> {
  try {
    return await open(file, flags);
  } catch (error) {
    // The temporary file's own name is nobody's business: its missing folder is.
    const missing = errnoOf(error) === 'ENOENT' && file !== output;
    const problem = missing
      ? `no directory ${quoteName(path.dirname(path.resolve(output)))}`
      : problemOf(error);
    throw new CliError(
      EXIT_CODES.USAGE,
      `Cannot write -o ${quoteName(output)}: ${problem}. ${seeHelp('tts')}`,
    );
  }
}

/** `process.stdout` as it is; a test's stand-in wrapped, writing each chunk as it comes. */
function writableOf(out: CliOutput): Writable {
  if (out instanceof Writable) return out;
  return new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      out.write(chunk);
      // A reader that has left shows as `errored` (process.stdout sets it at once): the
      // pipeline then stops asking for audio nobody reads.
      done(out.errored ?? undefined);
    },
  });
}

/** Piped text, decoded as UTF-8 across chunk boundaries. */
async function readAll(input: CliInput | undefined): Promise<string> {
  if (!input) return '';
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** An `asr` run, checked. */
export interface AsrPlan {
  file: string;
  language?: string;
  json: boolean;
}

/** Checks that FILE is a readable file before the key is read or anything is sent. */
export async function planAsr(values: FlagValues, operand: string): Promise<AsrPlan> {
  await checkReadable(operand, 'asr');
  const plan: AsrPlan = { file: operand, json: values.json === true };
  if (typeof values.language === 'string') plan.language = values.language;
  return plan;
}

/** A usage error unless `operand` is a file this process can read. */
export async function checkReadable(operand: string, command: Command): Promise<void> {
  const info = await stat(operand).catch(() => undefined);
  const problem = !info
    ? 'no such file'
    : !info.isFile()
      ? 'not a file'
      : await access(operand, constants.R_OK).then(
          () => undefined,
          () => 'not readable',
        );
  if (problem) {
    throw new CliError(
      EXIT_CODES.USAGE,
      `Cannot read ${quoteName(operand)}: ${problem}. ${seeHelp(command)}`,
    );
  }
}

/** A file as a Blob read from disk as it is sent, named as on disk. */
export async function fileOf(file: string): Promise<File> {
  return new File([await openAsBlob(file)], path.basename(file));
}

/** Uploads the file as it is read from disk and prints the transcript, or the body. */
export async function runAsr(
  client: FishAudio,
  plan: AsrPlan,
  out: (text: string) => void,
): Promise<ExitCode> {
  // A Blob backed by the file: the upload streams it from disk instead of a copy in memory.
  const audio = await fileOf(plan.file);
  const body: Record<string, unknown> = await client.asr.transcribe({
    audio,
    ...(plan.language === undefined ? {} : { language: plan.language }),
  });
  if (plan.json) {
    out(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT_CODES.OK;
  }
  if (typeof body.text !== 'string') {
    throw new CliError(
      EXIT_CODES.INVALID_RESPONSE,
      `The API answered without a "text" string (got ${clip(JSON.stringify(body.text) ?? 'nothing')}). Check that --base-url points at the Fish Audio API.`,
    );
  }
  out(`${plainText(body.text)}\n`);
  return EXIT_CODES.OK;
}

/** Server text for a terminal: line breaks and tabs kept, every other control character gone. */
function plainText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}
