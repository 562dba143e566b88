/**
 * `providerOptions.fishAudio`: the Fish Audio request fields a caller may add to an AI SDK call,
 * checked before anything is sent. Each table below is typed against the generated request
 * types, so a field the spec adds or drops breaks the build here instead of being refused (or
 * let through) in silence.
 */
import { InvalidArgumentError } from '@ai-sdk/provider';
import { fromBase64 } from '../base64.js';
import type { TranscribeRequest, TTSRequest } from '../index.js';

/** The TTS request fields `providerOptions.fishAudio` may carry: all but `text` and `model`. */
type SpeechFields = Omit<TTSRequest, 'text' | 'model'>;
/** The ASR request fields `providerOptions.fishAudio` may carry: all but the audio itself. */
type TranscriptionFields = Omit<TranscribeRequest, 'audio'>;
type Prosody = NonNullable<TTSRequest['prosody']>;

/**
 * `providerOptions.fishAudio` for `generateSpeech`: the fields of Fish Audio's TTS request
 * (`latency`, `temperature`, `prosody`, `sample_rate`, `mp3_bitrate`, …), under the spec's own
 * names. `references[].audio` may also be base64 text, since provider options are JSON.
 */
export type FishAudioSpeechOptions = Omit<SpeechFields, 'references'> & {
  references?:
    | { audio: Uint8Array | string; text: string }[]
    | { audio: Uint8Array | string; text: string }[][]
    | null;
};

/**
 * `providerOptions.fishAudio` of one text part of `experimental_streamSpeech`. `flush: true`
 * asks the server to speak everything sent so far once this part is sent, instead of waiting
 * for more text (the live protocol's `flush` event): the end of a sentence, say.
 */
export interface FishAudioSpeechPartOptions {
  flush?: boolean;
}

/** `providerOptions.fishAudio` for `transcribe`: `language` (a hint) and `ignore_timestamps`. */
export type FishAudioTranscriptionOptions = TranscriptionFields;

/** Says what a value should have been, or nothing when it is fine. */
type Check = (value: unknown) => string | undefined;

/** A list of every value of a union: the compiler refuses a list that misses one. */
function everyValue<T>() {
  return <const L extends readonly T[]>(
    list: L &
      ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L => list;
}

/** The output formats of `POST /v1/tts`. */
export const FORMATS = everyValue<NonNullable<TTSRequest['format']>>()([
  'mp3',
  'wav',
  'pcm',
  'opus',
]);

const number: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) ? undefined : 'a finite number';
const integer: Check = (v) => (Number.isInteger(v) ? undefined : 'a whole number');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? undefined : check(v) && `${check(v)} or null`;
const oneOf =
  (values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const strings: Check = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'an array of strings';
const voiceIds: Check = (v) =>
  v === null || typeof v === 'string' || strings(v) === undefined
    ? undefined
    : 'a voice id, an array of voice ids (one per speaker) or null';

const PROSODY = {
  speed: number,
  volume: number,
  normalize_loudness: boolean,
} satisfies Record<keyof Prosody, Check>;

const prosody: Check = (v) => {
  if (v === null) return undefined;
  if (!isRecord(v)) return 'an object of speed, volume and normalize_loudness, or null';
  for (const [name, value] of Object.entries(v)) {
    const check = field(PROSODY, name);
    if (!check) return `an object without "${name}" (known: ${Object.keys(PROSODY).join(', ')})`;
    const problem = check(value);
    if (problem) return `an object whose ${name} is ${problem}`;
  }
  return undefined;
};

const reference = (v: unknown): boolean =>
  isRecord(v) &&
  typeof v.text === 'string' &&
  (v.audio instanceof Uint8Array || typeof v.audio === 'string') &&
  Object.keys(v).every((k) => k === 'text' || k === 'audio');
const references: Check = (v) =>
  v === null ||
  (Array.isArray(v) &&
    (v.every(reference) ||
      v.every((speaker) => Array.isArray(speaker) && speaker.every(reference))))
    ? undefined
    : 'an array of { audio, text } (or one such array per speaker), audio as bytes or base64, or null';

const SPEECH = {
  temperature: number,
  top_p: number,
  references,
  reference_id: voiceIds,
  prosody,
  chunk_length: integer,
  normalize: boolean,
  format: oneOf(FORMATS),
  sample_rate: nullable(integer),
  mp3_bitrate: oneOf(everyValue<NonNullable<TTSRequest['mp3_bitrate']>>()([64, 128, 192])),
  opus_bitrate: oneOf(
    everyValue<NonNullable<TTSRequest['opus_bitrate']>>()([-1000, 24000, 32000, 48000, 64000]),
  ),
  latency: oneOf(everyValue<NonNullable<TTSRequest['latency']>>()(['low', 'normal', 'balanced'])),
  max_new_tokens: integer,
  repetition_penalty: number,
  min_chunk_length: integer,
  condition_on_previous_chunks: boolean,
  early_stop_threshold: number,
  features: strings,
} satisfies Record<keyof SpeechFields, Check>;

const TRANSCRIPTION = {
  language: nullable((v) => (typeof v === 'string' ? undefined : 'a language code')),
  ignore_timestamps: boolean,
} satisfies Record<keyof TranscriptionFields, Check>;

/** Checks `providerOptions.fishAudio` of a speech call; `{}` when there is none. */
export function speechOptions(providerOptions: unknown): Partial<SpeechFields> {
  const options = checkFields(providerOptions, SPEECH, 'the TTS request');
  // Provider options are JSON, so audio may come as base64: the client sends bytes.
  if (Array.isArray(options.references)) {
    options.references = options.references.map((r: unknown) =>
      Array.isArray(r) ? r.map(referenceBytes) : referenceBytes(r),
    );
  }
  return options as Partial<SpeechFields>;
}

const PART = { flush: boolean } satisfies Record<keyof FishAudioSpeechPartOptions, Check>;

/** Checks `providerOptions.fishAudio` of a streamed text part; `{}` when there is none. */
export function speechPartOptions(providerOptions: unknown): FishAudioSpeechPartOptions {
  return checkFields(providerOptions, PART, 'a streamed text part') as FishAudioSpeechPartOptions;
}

/** Checks `providerOptions.fishAudio` of a transcription call; `{}` when there is none. */
export function transcriptionOptions(providerOptions: unknown): Partial<TranscriptionFields> {
  return checkFields(
    providerOptions,
    TRANSCRIPTION,
    'the ASR request',
  ) as Partial<TranscriptionFields>;
}

function checkFields(
  providerOptions: unknown,
  table: Record<string, Check>,
  what: string,
): Record<string, unknown> {
  const options = isRecord(providerOptions) ? providerOptions.fishAudio : undefined;
  if (options === undefined) return {};
  if (!isRecord(options)) {
    throw new InvalidArgumentError({
      argument: 'providerOptions.fishAudio',
      message: 'providerOptions.fishAudio must be an object of Fish Audio request fields.',
    });
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    // Undefined means "not given", as it does for the AI SDK's own settings.
    if (value === undefined) continue;
    const check = field(table, name);
    if (!check) {
      throw new InvalidArgumentError({
        argument: `providerOptions.fishAudio.${name}`,
        message: `providerOptions.fishAudio.${name} is not a field of ${what} (known: ${Object.keys(table).join(', ')}).`,
      });
    }
    const problem = check(value);
    if (problem) {
      throw new InvalidArgumentError({
        argument: `providerOptions.fishAudio.${name}`,
        message: `providerOptions.fishAudio.${name} must be ${problem}.`,
      });
    }
    out[name] = value;
  }
  return out;
}

function referenceBytes(value: unknown): { audio: Uint8Array; text: string } {
  const { audio, text } = value as { audio: Uint8Array | string; text: string };
  if (typeof audio !== 'string') return { audio, text };
  try {
    return { audio: fromBase64(audio), text };
  } catch (cause) {
    throw new InvalidArgumentError({
      argument: 'providerOptions.fishAudio.references',
      message: 'providerOptions.fishAudio.references: an audio string is not base64.',
      cause,
    });
  }
}

/** The table's own entry: `constructor` or `__proto__` are not fields. */
function field(table: Record<string, Check>, name: string): Check | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
