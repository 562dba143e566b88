/**
 * The AI SDK's transcription model (`TranscriptionModelV4`) over `client.asr.transcribe`:
 * the audio goes up as multipart, and Fish Audio's segments, language and duration come back
 * in the SDK's shape.
 */
import type {
  SharedV4Warning,
  TranscriptionModelV4,
  TranscriptionModelV4CallOptions,
  TranscriptionModelV4Result,
} from '@ai-sdk/provider';
import { fromBase64 } from '../base64.js';
import type { TranscribeRequest, Transcription } from '../index.js';
import { headerRecord, startCall, type ModelConfig } from './call.js';
import { transcriptionOptions } from './provider-options.js';

/**
 * Fish Audio's speech-to-text model. The API has one and no way to choose another, so `'asr'`
 * is the only id: it names the model in the SDK's results and logs, and is not sent.
 */
export type FishAudioTranscriptionModelId = 'asr';

const PATH = '/v1/asr';

/** The ASR request for one `transcribe` call (without the audio), and its warnings. */
export function transcriptionRequest(options: TranscriptionModelV4CallOptions): {
  request: Omit<TranscribeRequest, 'audio'>;
  warnings: SharedV4Warning[];
} {
  const warnings: SharedV4Warning[] = [];
  const request: Omit<TranscribeRequest, 'audio'> = {};
  const granularities = options.timestampGranularities ?? [];
  if (granularities.length > 0) request.ignore_timestamps = false;
  if (granularities.includes('word')) {
    warnings.push({
      type: 'unsupported',
      feature: 'timestampGranularities: word',
      details: 'Fish Audio gives segment timings only; segments were requested instead.',
    });
  }
  // An explicit provider option wins over the generic setting it overlaps (the SDK's rule).
  return { request: { ...request, ...transcriptionOptions(options.providerOptions) }, warnings };
}

/** A Fish Audio transcription model for `transcribe`; made by `fishAudio.transcription()`. */
export class FishAudioTranscriptionModel implements TranscriptionModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'fish-audio.transcription';
  readonly modelId: FishAudioTranscriptionModelId;
  readonly #config: ModelConfig;

  /** @internal Made by the provider, which owns the client. */
  constructor(modelId: FishAudioTranscriptionModelId, config: ModelConfig) {
    this.modelId = modelId;
    this.#config = config;
  }

  /** Transcribes the whole audio, as `transcribe` asks. */
  async doGenerate(options: TranscriptionModelV4CallOptions): Promise<TranscriptionModelV4Result> {
    const { request, warnings } = transcriptionRequest(options);
    const bytes = typeof options.audio === 'string' ? fromBase64(options.audio) : options.audio;
    const audio = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: options.mediaType });
    const call = startCall(this.#config, options.abortSignal, options.headers);
    try {
      const { data, response } = await call.client.asr
        .transcribe({ ...request, audio }, call.options)
        .withResponse();
      return {
        ...transcript(data),
        warnings,
        response: {
          timestamp: new Date(),
          modelId: this.modelId,
          headers: headerRecord(response.headers, call.redact),
          body: call.redact.value(data),
        },
      };
    } catch (error) {
      throw call.fail(error, PATH, {
        ...request,
        audio: `[${bytes.byteLength} bytes of ${options.mediaType}]`,
      });
    }
  }
}

/** Fish Audio's transcription in the SDK's shape: times in seconds, language as ISO 639-1. */
export function transcript(data: Transcription) {
  return {
    text: data.text,
    segments: (data.segments ?? []).map((s) => ({
      text: s.text,
      startSecond: s.start,
      endSecond: s.end,
    })),
    language: data.language_code ?? undefined,
    durationInSeconds: data.duration,
  };
}
