/**
 * The AI SDK's speech model (`SpeechModelV4`) over `client.tts.convert`: `generateSpeech`'s
 * settings become the fields of Fish Audio's TTS request, and what has no Fish equivalent is
 * a warning rather than a silent loss.
 */
import {
  InvalidArgumentError,
  type SharedV4Warning,
  type SpeechModelV4,
  type SpeechModelV4CallOptions,
  type SpeechModelV4Result,
} from '@ai-sdk/provider';
import type { TTSRequest } from '../index.js';
import { headerRecord, startCall, type ModelConfig } from './call.js';
import { FORMATS, speechOptions } from './provider-options.js';

/**
 * A Fish Audio TTS model: the `model` header's documented values, or any newer one. The server
 * falls back to the paid `s2.1-pro` for a value it does not know; `s2.1-pro-free` is the free
 * developer tier.
 */
export type FishAudioSpeechModelId = NonNullable<TTSRequest['model']>;

type Format = (typeof FORMATS)[number];

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

/** The TTS request for one `generateSpeech` call, and the warnings it gives. */
export function speechRequest(
  modelId: string,
  options: SpeechModelV4CallOptions,
): { request: TTSRequest; warnings: SharedV4Warning[] } {
  const warnings: SharedV4Warning[] = [];
  const extra = speechOptions(options.providerOptions);
  const request: TTSRequest = { text: options.text, model: modelId };
  if (options.voice !== undefined) request.reference_id = options.voice;
  if (options.outputFormat !== undefined) request.format = outputFormat(options.outputFormat);
  if (options.speed !== undefined) request.prosody = { speed: options.speed };
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
  // An explicit provider option wins over the generic setting it overlaps (the SDK's rule).
  const { prosody, ...rest } = extra;
  if (prosody !== undefined) {
    request.prosody = prosody === null ? null : { ...request.prosody, ...prosody };
  }
  return { request: { ...request, ...rest } as TTSRequest, warnings };
}

/** Fish Audio's format for the AI SDK's `outputFormat`, or an error naming the ones it has. */
function outputFormat(value: string): Format {
  const format = OUTPUT_FORMATS[value.trim().toLowerCase()];
  if (format) return format;
  // Sending another format's bytes under the name asked for would be worse than refusing.
  throw new InvalidArgumentError({
    argument: 'outputFormat',
    message: `Fish Audio cannot produce outputFormat "${value}" (it makes ${FORMATS.join(', ')}).`,
  });
}

/** What the error of a failed call shows of its request: the fields, not the voice samples. */
function requestValues(request: TTSRequest): Record<string, unknown> {
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

/** A Fish Audio speech model for `generateSpeech`; made by `fishAudio.speech(modelId)`. */
export class FishAudioSpeechModel implements SpeechModelV4 {
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
