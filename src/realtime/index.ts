/**
 * fish-audio-api/realtime: text to speech over a WebSocket (`/v1/tts/live`), text in and
 * audio out at the same time. A separate entry, so that the main one carries no WebSocket code.
 * On Node it needs the `ws` package (an optional peer dependency); Bun and Deno use their own.
 *
 * ```ts
 * import { FishAudio } from 'fish-audio-api';
 * import { liveSpeech } from 'fish-audio-api/realtime';
 *
 * for await (const chunk of liveSpeech(new FishAudio(), ['Hello ', 'there.'], { format: 'mp3' })) {
 *   process.stdout.write(chunk);
 * }
 * ```
 */
export {
  liveSpeech,
  openLiveSession,
  DEFAULT_KEEPALIVE_MS,
  DEFAULT_MAX_QUEUED_BYTES,
  type LiveSession,
  type LiveOptions,
  type LiveRequest,
} from './session.js';
export type {
  AudioEvent,
  ClientEvent,
  FinishEvent,
  FlushEvent,
  LiveModel,
  LiveProsody,
  LiveReferenceAudio,
  LiveTTSRequest,
  ServerEvent,
  StartEvent,
  StopEvent,
  TextEvent,
} from './messages.js';
