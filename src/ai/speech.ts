/**
 * The AI SDK's speech model (`SpeechModelV4`) over `client.tts.convert`: `generateSpeech`'s
 * settings become the fields of Fish Audio's TTS request, and what has no Fish equivalent is
 * a warning rather than a silent loss.
 */
import {
  InvalidArgumentError,
  type Experimental_SpeechModelV4StreamOptions,
  type Experimental_SpeechModelV4StreamResult,
  type Experimental_StreamingSpeechModelV4,
  type SharedV4Warning,
  type SpeechModelV4,
  type SpeechModelV4CallOptions,
  type SpeechModelV4Result,
} from '@ai-sdk/provider';
import type { TTSRequest } from '../index.js';
import { headerRecord, startCall, type ModelConfig } from './call.js';
import { FORMATS, speechOptions } from './provider-options.js';
import { streamSpeech } from './stream.js';

/**
 * A Fish Audio TTS model: the `model` header's documented values, or any newer one. The server
 * falls back to the paid `s2.1-pro` for a value it does not know; `s2.1-pro-free` is the free
 * developer tier.
 */
export type FishAudioSpeechModelId = NonNullable<TTSRequest['model']>;

export type Format = (typeof FORMATS)[number];

// The AI SDK's outputFormat is free text: a format name or a media type.
const OUTPUT_FORMATS: Readonly<Record<string, Format>> = {
  ...Object.fromEntries(FORMATS.map((format) => [format, format])),
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/pcm': 'pcm',
  'audio/opus': 'opus',
  'audio/ogg': 'opus',
};

const PATH = '/v1/tts';

/** The settings `generateSpeech` and `experimental_streamSpeech` share. */
export type SpeechSettings = Pick<
  SpeechModelV4CallOptions,
  'voice' | 'speed' | 'instructions' | 'language' | 'providerOptions'
>;

/** The TTS request for one `generateSpeech` call, and the warnings it gives. */
export function speechRequest(
  modelId: string,
  options: SpeechModelV4CallOptions,
): { request: TTSRequest; warnings: SharedV4Warning[] } {
  const output: Partial<TTSRequest> = {};
  if (options.outputFormat !== undefined) output.format = outputFormat(options.outputFormat);
  const { fields, warnings } = speechFields(options, output);
  return { request: { text: options.text, model: modelId, ...fields } as TTSRequest, warnings };
}

/**
 * The TTS fields of a speech call but its text and model: the generic settings, then
 * `output` (the format asked for), then `providerOptions.fishAudio`, which wins over the
 * setting it overlaps (the SDK's rule). Settings Fish has no field for are warnings.
 */
export function speechFields(
  options: SpeechSettings,
  output: Partial<TTSRequest>,
): { fields: Partial<TTSRequest>; warnings: SharedV4Warning[] } {
  const warnings: SharedV4Warning[] = [];
  const extra = speechOptions(options.providerOptions);
  const fields: Partial<TTSRequest> = {};
  if (options.voice !== undefined) fields.reference_id = options.voice;
  Object.assign(fields, output);
  if (options.speed !== undefined) fields.prosody = { speed: options.speed };
  if (options.instructions !== undefined) {
    warnings.push({
      type: 'unsupported',
      feature: 'instructions',
      details: "Fish Audio's TTS request has no instructions field; they were not sent.",
    });
  }
  if (options.language !== undefined && options.language !== 'auto') {
    warnings.push({
      type: 'unsupported',
      feature: 'language',
      details: "Fish Audio's TTS request has no language field: the model reads it from the text.",
    });
  }
  const { prosody, ...rest } = extra;
  if (prosody !== undefined) {
    fields.prosody = prosody === null ? null : { ...fields.prosody, ...prosody };
  }
  return { fields: { ...fields, ...rest } as Partial<TTSRequest>, warnings };
}

/** Fish Audio's format for the AI SDK's `outputFormat`, or an error naming the ones it has. */
export function outputFormat(value: string): Format {
  const format = OUTPUT_FORMATS[value.trim().toLowerCase()];
  if (format) return format;
  // Sending another format's bytes under the name asked for would be worse than refusing.
  throw new InvalidArgumentError({
    argument: 'outputFormat',
    message: `Fish Audio cannot produce outputFormat "${value}" (it makes ${FORMATS.join(', ')}).`,
  });
}

/** What the error of a failed call shows of its request: the fields, not the voice samples. */
export function requestValues(request: Partial<TTSRequest>): Record<string, unknown> {
  const { references, ...rest } = request;
  if (!Array.isArray(references)) return rest;
  const describe = (r: { audio: Blob | Uint8Array; text: string }) => ({
    text: r.text,
    audio: `[${r.audio instanceof Uint8Array ? r.audio.byteLength : r.audio.size} bytes]`,
  });
  return {
    ...rest,
    references: references.map((r) => (Array.isArray(r) ? r.map(describe) : describe(r))),
  };
}

/**
 * A Fish Audio speech model for `generateSpeech` (over `POST /v1/tts`) and
 * `experimental_streamSpeech` (over one live session, `/v1/tts/live`); made by
 * `fishAudio.speech(modelId)`.
 */
export class FishAudioSpeechModel implements SpeechModelV4, Experimental_StreamingSpeechModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'fish-audio.speech';
  readonly modelId: FishAudioSpeechModelId;
  readonly #config: ModelConfig;

  /** @internal Made by the provider, which owns the client. */
  constructor(modelId: FishAudioSpeechModelId, config: ModelConfig) {
    this.modelId = modelId;
    this.#config = config;
  }

  /** Synthesises the whole text and returns its audio bytes, as `generateSpeech` asks. */
  async doGenerate(options: SpeechModelV4CallOptions): Promise<SpeechModelV4Result> {
    const { request, warnings } = speechRequest(this.modelId, options);
    const call = startCall(this.#config, options.abortSignal, options.headers);
    try {
      const { data: audio, response } = await call.client.tts
        .convert(request, call.options)
        .withResponse();
      const timestamp = new Date();
      // Read chunk by chunk: the client's own errors (timeout, abort) arrive as themselves.
      const chunks: Uint8Array[] = [];
      for await (const chunk of audio) chunks.push(chunk);
      return {
        audio: concat(chunks),
        warnings,
        request: { body: call.redact.value(requestValues(request)) },
        response: {
          timestamp,
          modelId: this.modelId,
          headers: headerRecord(response.headers, call.redact),
        },
      };
    } catch (error) {
      throw call.fail(error, PATH, requestValues(request));
    }
  }

  /**
   * Speaks a stream of text parts as they arrive, over one live session, as
   * `experimental_streamSpeech` asks: each part's text is sent when it comes, audio parts
   * follow as the server makes them, and `providerOptions: { fishAudio: { flush: true } }` on
   * a part speaks what was sent so far without waiting for more. Needs `ws` on Node.
   */
  async doStream(
    options: Experimental_SpeechModelV4StreamOptions,
  ): Promise<Experimental_SpeechModelV4StreamResult> {
    return streamSpeech(this.modelId, this.#config, options);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
