/**
 * fish-audio-api/testing: a local stand-in for the Fish Audio API, so code that uses the
 * client can be tested without network, a key or credit.
 *
 * ```ts
 * import { FishAudio } from 'fish-audio-api';
 * import { startStandIn } from 'fish-audio-api/testing';
 *
 * const api = await startStandIn();
 * const client = new FishAudio({ apiKey: api.apiKey, baseUrl: api.url });
 * ```
 */
export {
  startStandIn,
  type RecordedRequest,
  type LiveSide,
  type StandIn,
  type StandInOptions,
} from './stand-in.js';
export {
  startLiveStandIn,
  standInAudio,
  type LiveStandIn,
  type LiveStandInOptions,
  type LiveConnection,
  type LiveFault,
} from './live.js';
