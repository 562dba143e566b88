/**
 * fish-audio-api/ai: the Fish Audio provider for the Vercel AI SDK (`ai` 7, `@ai-sdk/provider`
 * 4; Node 22 or newer, as `ai` 7 itself). A separate entry, so the main one carries no AI SDK
 * code; `@ai-sdk/provider` is an optional peer dependency, needed only here.
 *
 * ```ts
 * import { generateSpeech } from 'ai';
 * import { fishAudio } from 'fish-audio-api/ai';
 *
 * const { audio } = await generateSpeech({
 *   model: fishAudio.speech('s2.1-pro-free'),
 *   text: 'Hello!',
 *   voice: 'your-voice-id',
 * });
 * ```
 */
export {
  createFishAudio,
  fishAudio,
  type FishAudioProvider,
  type FishAudioProviderSettings,
} from './provider.js';
export { FishAudioSpeechModel, type FishAudioSpeechModelId } from './speech.js';
export {
  FishAudioTranscriptionModel,
  type FishAudioTranscriptionModelId,
} from './transcription.js';
export type {
  FishAudioSpeechOptions,
  FishAudioSpeechPartOptions,
  FishAudioTranscriptionOptions,
} from './provider-options.js';
