/**
 * The Fish Audio provider for the Vercel AI SDK: `createFishAudio(options)` and the default
 * `fishAudio`, whose models `generateSpeech` and `transcribe` take.
 */
import { NoSuchModelError, type ProviderV4 } from '@ai-sdk/provider';
import { FishAudio, InvalidOptionError, type ClientOptions } from '../index.js';
import type { ModelConfig } from './call.js';
import { FishAudioSpeechModel, type FishAudioSpeechModelId } from './speech.js';
import {
  FishAudioTranscriptionModel,
  type FishAudioTranscriptionModelId,
} from './transcription.js';

/** What the provider adds to the client's options. */
interface ProviderOnly {
  /**
   * Whether a speech or transcription call may be sent twice. Both spend credit, so by default
   * a failed call is never retried (the client's rule for POSTs) and the AI SDK's `maxRetries`
   * has nothing to retry. `true` lets `maxRetries` retry 408, 409, 429, 5xx and connection
   * failures, at the risk of paying twice for a call whose answer was lost. Default `false`.
   */
  idempotent?: boolean;
}

/**
 * Options of {@link createFishAudio}: the client's own options (`apiKey`, `baseUrl`, `fetch`,
 * `timeout`, …), or a client you already have as `{ client }`. The client's `maxRetries` does
 * not apply to the provider's calls: `generateSpeech`'s and `transcribe`'s `maxRetries` does.
 */
export type FishAudioProviderSettings = (ClientOptions | { client: FishAudio }) & ProviderOnly;

/** The Fish Audio provider: `.speech(modelId)` for `generateSpeech`, `.transcription()` for `transcribe`. */
export interface FishAudioProvider extends ProviderV4 {
  /** A speech model for `generateSpeech`, such as `fishAudio.speech('s2.1-pro-free')`. */
  speech(modelId: FishAudioSpeechModelId): FishAudioSpeechModel;
  /** The same as {@link FishAudioProvider.speech}, under the name the AI SDK's registry calls. */
  speechModel(modelId: FishAudioSpeechModelId): FishAudioSpeechModel;
  /** The transcription model for `transcribe`; Fish Audio has one, `'asr'`. */
  transcription(modelId?: FishAudioTranscriptionModelId): FishAudioTranscriptionModel;
  /** The same as {@link FishAudioProvider.transcription}, under the registry's name. */
  transcriptionModel(modelId?: string): FishAudioTranscriptionModel;
}

/**
 * Makes a Fish Audio provider for the AI SDK.
 *
 * ```ts
 * import { generateSpeech } from 'ai';
 * import { createFishAudio } from 'fish-audio-api/ai';
 *
 * const fish = createFishAudio({ apiKey: process.env.FISH_API_KEY });
 * const { audio } = await generateSpeech({ model: fish.speech('s2.1-pro-free'), text: 'Hi!' });
 * ```
 *
 * Options are checked at once, like `new FishAudio(options)`; only a key left to the
 * environment is read on first use, so a provider made at import time needs no key yet.
 */
export function createFishAudio(settings: FishAudioProviderSettings = {}): FishAudioProvider {
  const { idempotent = false, ...rest } = settings;
  if (typeof idempotent !== 'boolean') {
    throw new InvalidOptionError('idempotent', 'idempotent must be true or false.');
  }
  const config: ModelConfig = { client: clientFor(rest), idempotent };
  const speech = (modelId: FishAudioSpeechModelId) => new FishAudioSpeechModel(modelId, config);
  const transcription = (modelId: string = 'asr') => {
    if (modelId !== 'asr') {
      throw new NoSuchModelError({
        modelId,
        modelType: 'transcriptionModel',
        message: `Fish Audio has one transcription model, 'asr' (the API offers no choice), not '${String(modelId)}'.`,
      });
    }
    return new FishAudioTranscriptionModel('asr', config);
  };
  const none =
    (modelType: 'languageModel' | 'embeddingModel' | 'imageModel') => (modelId: string) => {
      throw new NoSuchModelError({
        modelId,
        modelType,
        message: `Fish Audio provides speech and transcription models only, not ${modelType}s.`,
      });
    };
  return {
    specificationVersion: 'v4',
    speech,
    speechModel: speech,
    transcription,
    transcriptionModel: transcription,
    languageModel: none('languageModel'),
    embeddingModel: none('embeddingModel'),
    imageModel: none('imageModel'),
  };
}

/** The client behind a provider: the one given, one made now, or one made on first use. */
function clientFor(settings: ClientOptions | { client: FishAudio }): () => FishAudio {
  if ('client' in settings) {
    const { client, ...others } = settings;
    const extra = Object.keys(others);
    if (extra.length > 0) {
      throw new InvalidOptionError(
        extra[0]!,
        `Pass either { client } or the client's options, not both (got ${extra.join(', ')} beside client).`,
      );
    }
    // Duck-typed: a client from the other module format of this package is a client too.
    if (typeof (client as Partial<FishAudio> | null)?.tts?.convert !== 'function') {
      throw new InvalidOptionError('client', 'client must be a FishAudio client.');
    }
    return () => client;
  }
  if (settings.apiKey !== undefined) {
    const client = new FishAudio(settings);
    return () => client;
  }
  // The key comes from FISH_API_KEY: read it on first use. The options are still checked now
  // (with a placeholder key that is never sent), so a typo does not wait for the first call.
  new FishAudio({ ...settings, apiKey: null });
  let client: FishAudio | undefined;
  return () => (client ??= new FishAudio(settings));
}

/**
 * The default provider: `FISH_API_KEY` from the environment, read on its first call, and the
 * client's default options. Use {@link createFishAudio} for anything else.
 *
 * ```ts
 * import { transcribe } from 'ai';
 * import { fishAudio } from 'fish-audio-api/ai';
 *
 * const { text } = await transcribe({ model: fishAudio.transcription(), audio: bytes });
 * ```
 */
export const fishAudio: FishAudioProvider = createFishAudio();
