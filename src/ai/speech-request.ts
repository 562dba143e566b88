/**
 * How the AI SDK's speech settings become Fish Audio's TTS request, shared by `doGenerate`
 * and `doStream`: the fields, the output format, the warnings and what an error shows.
 */
import {
  InvalidArgumentError,
  type SharedV4Warning,
  type SpeechModelV4CallOptions,
} from '@ai-sdk/provider';
import type { TTSRequest } from '../index.js';
import { FORMATS, speechOptions } from './provider-options.js';

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
  if (options.voice !== undefined) {
    // An empty id is a caller's slip (an unset variable), not a choice: the API would answer
    // with its default voice or a 4xx, billed or not; say so before anything is sent.
    if (options.voice.trim() === '') {
      throw new InvalidArgumentError({
        argument: 'voice',
        message:
          'voice is empty: pass a Fish Audio voice (model) id, or leave it out for the default voice.',
      });
    }
    fields.reference_id = options.voice;
  }
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
