/**
 * The AI SDK's speech model (`SpeechModelV4`) over `client.tts.convert`: `generateSpeech`'s
 * settings become the fields of Fish Audio's TTS request, and what has no Fish equivalent is
 * a warning rather than a silent loss.
 */
import type {
  Experimental_SpeechModelV4StreamOptions,
  Experimental_SpeechModelV4StreamResult,
  Experimental_StreamingSpeechModelV4,
  SpeechModelV4,
  SpeechModelV4CallOptions,
  SpeechModelV4Result,
} from '@ai-sdk/provider';
import type { TTSRequest } from '../index.js';
import { headerRecord, startCall, type ModelConfig } from './call.js';
import { requestValues, speechRequest } from './speech-request.js';
import { streamSpeech } from './stream.js';

/**
 * A Fish Audio TTS model: the `model` header's documented values, or any newer one. The server
 * falls back to the paid `s2.1-pro` for a value it does not know; `s2.1-pro-free` is the free
 * developer tier.
 */
export type FishAudioSpeechModelId = NonNullable<TTSRequest['model']>;

const PATH = '/v1/tts';

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
