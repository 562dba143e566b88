/**
 * The six messages of the live text-to-speech channel (`/v1/tts/live`), written by hand from
 * the API's AsyncAPI document: `api-reference/asyncapi.yml` of github.com/fishaudio/docs
 * (read at commit 5783e097, AsyncAPI 3.0.0, "Fish Audio WebSocket TTS API" 1.0.0). No generator
 * runs on that document, so when it changes this file is updated by hand. Every frame, both
 * ways, is one msgpack map with an `event` field.
 */

/** The model header of the handshake; an unknown value makes the server use `s2.1-pro`. */
export type LiveModel = 's1' | 's2-pro' | 's2.1-pro' | 's2.1-pro-free' | (string & {});

/** A voice sample with its transcript, for zero-shot cloning. */
export interface LiveReferenceAudio {
  /** The sample's audio bytes. */
  audio: Uint8Array;
  /** Exactly what is spoken in the sample, punctuation included. */
  text: string;
}

/** Speed and volume adjustments. */
export interface LiveProsody {
  /** Speaking rate, 0.5 to 2.0. */
  speed?: number;
  /** Volume change in dB, -20 to 20. */
  volume?: number;
  /** Normalise loudness (`s2-pro` and the S2.1-Pro family). */
  normalize_loudness?: boolean;
}

/**
 * The session's configuration (the document's `WebSocketTTSRequest`): the HTTP TTS request's
 * fields. `text` is usually empty here; the text follows in `text` events.
 */
export interface LiveTTSRequest {
  text: string;
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  repetition_penalty?: number;
  min_chunk_length?: number;
  /** One speaker: samples; several speakers: one array of samples per speaker. */
  references?: LiveReferenceAudio[] | LiveReferenceAudio[][] | null;
  /** A voice id, or one per speaker for dialogue (`s2-pro`, S2.1-Pro). */
  reference_id?: string | string[] | null;
  prosody?: LiveProsody | null;
  chunk_length?: number;
  condition_on_previous_chunks?: boolean;
  normalize?: boolean;
  early_stop_threshold?: number;
  format?: 'wav' | 'pcm' | 'mp3' | 'opus';
  sample_rate?: number | null;
  mp3_bitrate?: 64 | 128 | 192;
  opus_bitrate?: -1000 | 24000 | 32000 | 48000 | 64000;
  latency?: 'low' | 'normal' | 'balanced';
}

/** Client → server, first and once: the configuration. */
export interface StartEvent {
  event: 'start';
  request: LiveTTSRequest;
}

/** Client → server: a piece of text; the server buffers it by `chunk_length`. */
export interface TextEvent {
  event: 'text';
  text: string;
}

/** Client → server: synthesise the buffered text now. */
export interface FlushEvent {
  event: 'flush';
}

/** Client → server: no more text (the document calls it CloseEvent; its event is `stop`). */
export interface StopEvent {
  event: 'stop';
}

/** Server → client: audio bytes in the requested format. */
export interface AudioEvent {
  event: 'audio';
  audio: Uint8Array;
}

/** Server → client, last: the session is over; the connection closes after it. */
export interface FinishEvent {
  event: 'finish';
  reason: 'stop' | 'error';
}

/** Everything the client sends. */
export type ClientEvent = StartEvent | TextEvent | FlushEvent | StopEvent;

/** Everything the server sends that the client understands; others are ignored. */
export type ServerEvent = AudioEvent | FinishEvent;
