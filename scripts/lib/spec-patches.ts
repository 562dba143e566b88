/**
 * The checked-in repairs that `spec:update` applies to the upstream document, in order. Each
 * patch first asserts that the defect it repairs is still there, exactly as it was found, and
 * throws otherwise: when upstream fixes a defect or moves it, the update fails loudly and a
 * person decides, instead of a patch silently doing nothing or doing the wrong thing.
 */
import { isPlainObject, type Json } from './json.js';
import { deref, HTTP_METHODS, type OpenAPIDocument } from './openapi.js';

/** One repair: a stable id, why it is needed, and the edit (which asserts its target first). */
export interface SpecPatch {
  id: string;
  why: string;
  apply(doc: OpenAPIDocument): void;
}

/**
 * `resource.method` for every operation, by `'METHOD /path'` key. Upstream gives no operation
 * an `operationId` and its tags do not name resources ("OpenAPI v1" holds TTS, ASR and voice
 * design), so this map is the one place the client's names come from. The `operation-names`
 * patch writes them into the spec as `operationId`s and fails on an operation not listed here
 * or a name whose operation is gone.
 */
export const OPERATION_NAMES: Readonly<Record<string, string>> = {
  'GET /wallet/{user_id}/api-credit': 'wallet.getApiCredit',
  'GET /wallet/{user_id}/package': 'wallet.getPackage',
  'POST /v1/tts': 'tts.convert',
  'POST /v1/tts/stream/with-timestamp': 'tts.withTimestamps',
  'POST /v1/asr': 'asr.transcribe',
  'POST /v1/voice-design': 'voices.design',
  'GET /model': 'voices.list',
  'POST /model': 'voices.create',
  'GET /model/{id}': 'voices.get',
  'PATCH /model/{id}': 'voices.update',
  'DELETE /model/{id}': 'voices.delete',
  'GET /v1/agent/agents': 'agents.list',
  'POST /v1/agent/agents': 'agents.create',
  'GET /v1/agent/agents/{agent_id}': 'agents.get',
  'PATCH /v1/agent/agents/{agent_id}': 'agents.update',
  'DELETE /v1/agent/agents/{agent_id}': 'agents.delete',
  'GET /v1/agent/agents/{agent_id}/widget': 'agents.getWidget',
  'GET /v1/agent/agents/{agent_id}/config': 'agents.getConfig',
  'PATCH /v1/agent/agents/{agent_id}/config': 'agents.updateConfig',
  'POST /v1/agent/agents/{agent_id}/publish': 'agents.publish',
  'GET /v1/agent/agents/{agent_id}/versions': 'agents.listVersions',
  'GET /v1/agent/agents/{agent_id}/versions/{version_number}': 'agents.getVersion',
  'GET /v1/agent/sessions': 'agentSessions.list',
  'POST /v1/agent/sessions': 'agentSessions.create',
  'GET /v1/agent/sessions/{session_id}': 'agentSessions.get',
  'GET /v1/agent/sessions/{session_id}/recording': 'agentSessions.getRecording',
  'POST /v1/agent/sessions/{session_id}/end': 'agentSessions.end',
  'GET /v1/agent/tools': 'agentTools.list',
  'POST /v1/agent/tools': 'agentTools.create',
  'GET /v1/agent/tools/{tool_id}': 'agentTools.get',
  'PATCH /v1/agent/tools/{tool_id}': 'agentTools.update',
  'DELETE /v1/agent/tools/{tool_id}': 'agentTools.delete',
  'GET /v1/agent/tools/{tool_id}/agents': 'agentTools.listAgents',
  'GET /v1/agent/knowledge-sources': 'knowledgeSources.list',
  'POST /v1/agent/knowledge-sources': 'knowledgeSources.create',
  'GET /v1/agent/knowledge-sources/{source_id}': 'knowledgeSources.get',
  'PATCH /v1/agent/knowledge-sources/{source_id}': 'knowledgeSources.update',
  'DELETE /v1/agent/knowledge-sources/{source_id}': 'knowledgeSources.delete',
  'GET /v1/agent/knowledge-sources/{source_id}/agents': 'knowledgeSources.listAgents',
  'GET /v1/agent/available-phone-numbers': 'phoneNumbers.listAvailable',
  'GET /v1/agent/phone-numbers': 'phoneNumbers.list',
  'POST /v1/agent/phone-numbers': 'phoneNumbers.create',
  'GET /v1/agent/phone-numbers/{phone_number_id}': 'phoneNumbers.get',
  'PATCH /v1/agent/phone-numbers/{phone_number_id}': 'phoneNumbers.update',
  'DELETE /v1/agent/phone-numbers/{phone_number_id}': 'phoneNumbers.delete',
  'POST /v1/agent/phone-calls': 'phoneCalls.create',
};

/** The media type given to the TTS audio: its `format` field picks mp3, wav, pcm or opus. */
export const TTS_AUDIO_MEDIA_TYPE = 'audio/*';

/** Thrown when a patch's target is not as the patch expects: upstream changed, decide anew. */
export class PatchTargetError extends Error {
  constructor(id: string, problem: string) {
    super(`patch "${id}" no longer applies: ${problem}. Upstream changed; review the patch.`);
    this.name = 'PatchTargetError';
  }
}

/** The operation object at `key`, or a {@link PatchTargetError}. */
function operationAt(doc: OpenAPIDocument, id: string, key: string): Json {
  const [method, route] = key.split(' ') as [string, string];
  const item = doc.paths?.[route];
  const operation = isPlainObject(item) ? item[method.toLowerCase()] : undefined;
  if (!isPlainObject(operation)) throw new PatchTargetError(id, `there is no operation ${key}`);
  return operation;
}

/** Every `'METHOD /path'` key of `doc` with its operation, in document order. */
function operations(doc: OpenAPIDocument): [string, Json][] {
  const found: [string, Json][] = [];
  for (const [route, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = isPlainObject(item) ? item[method] : undefined;
      if (isPlainObject(operation)) found.push([`${method.toUpperCase()} ${route}`, operation]);
    }
  }
  return found;
}

/** Whether `schema` is binary itself, or (through arrays and unions) holds only binary here. */
export function isBinarySchema(doc: OpenAPIDocument, raw: unknown): boolean {
  const schema = deref<unknown>(doc, raw as Json);
  if (!isPlainObject(schema)) return false;
  if (schema.format === 'binary') return true;
  if (schema.type === 'array') return isBinarySchema(doc, schema.items);
  const variants = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  return Array.isArray(variants) && variants.some((variant) => isBinarySchema(doc, variant));
}

/** The top-level properties of a request body schema that are binary. */
function binaryProperties(doc: OpenAPIDocument, mediaType: unknown): string[] {
  const schema = isPlainObject(mediaType) ? deref<unknown>(doc, mediaType.schema as Json) : {};
  const properties =
    isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties : {};
  return Object.keys(properties).filter((name) => isBinarySchema(doc, properties[name]));
}

/**
 * Removes `mediaTypes` from the request body of `key`, asserting each is offered and holds a
 * binary top-level property (so it really cannot carry the body), and that an encoding able to
 * carry bytes (multipart or msgpack) remains.
 */
function dropByteLessEncodings(id: string, key: string, mediaTypes: string[]) {
  return (doc: OpenAPIDocument): void => {
    const body = operationAt(doc, id, key).requestBody;
    const content = isPlainObject(body) && isPlainObject(body.content) ? body.content : undefined;
    if (!content) throw new PatchTargetError(id, `${key} has no request body content`);
    for (const mediaType of mediaTypes) {
      if (!(mediaType in content)) {
        throw new PatchTargetError(id, `${key} no longer offers ${mediaType}`);
      }
      if (binaryProperties(doc, content[mediaType]).length === 0) {
        throw new PatchTargetError(id, `${key} under ${mediaType} no longer has a binary field`);
      }
      delete content[mediaType];
    }
    if (!('multipart/form-data' in content) && !('application/msgpack' in content)) {
      throw new PatchTargetError(id, `${key} would be left without an encoding that holds bytes`);
    }
  };
}

/** The repairs, applied in this order. */
export const SPEC_PATCHES: readonly SpecPatch[] = [
  {
    id: 'tts-audio-response',
    why:
      'The 200 of POST /v1/tts documents no `content`, though it is the audio itself. It gets ' +
      `\`${TTS_AUDIO_MEDIA_TYPE}\` (binary): the request's \`format\` picks the actual type.`,
    apply(doc) {
      const id = 'tts-audio-response';
      const responses = operationAt(doc, id, 'POST /v1/tts').responses;
      const ok = isPlainObject(responses) ? responses['200'] : undefined;
      if (!isPlainObject(ok)) throw new PatchTargetError(id, 'POST /v1/tts has no 200 response');
      if (ok.content !== undefined) {
        throw new PatchTargetError(id, 'the 200 of POST /v1/tts now documents a `content`');
      }
      ok.content = {
        [TTS_AUDIO_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } },
      };
    },
  },
  {
    id: 'voices-create-bytes',
    why:
      'POST /model offers JSON and form-urlencoded bodies whose `voices` and `cover_image` are ' +
      'bytes, which neither encoding can carry; only multipart and msgpack remain.',
    apply: dropByteLessEncodings('voices-create-bytes', 'POST /model', [
      'application/json',
      'application/x-www-form-urlencoded',
    ]),
  },
  {
    id: 'voices-update-bytes',
    why:
      'PATCH /model/{id} offers JSON and form-urlencoded bodies whose `cover_image` is bytes, ' +
      'which neither encoding can carry; only multipart and msgpack remain.',
    apply: dropByteLessEncodings('voices-update-bytes', 'PATCH /model/{id}', [
      'application/json',
      'application/x-www-form-urlencoded',
    ]),
  },
  {
    id: 'operation-names',
    why:
      'No operation has an `operationId`, and tags do not name resources: each operation gets ' +
      'its `resource.method` from OPERATION_NAMES as its `operationId`.',
    apply(doc) {
      const id = 'operation-names';
      const found = operations(doc);
      const keys = new Set(found.map(([key]) => key));
      const stale = Object.keys(OPERATION_NAMES).filter((key) => !keys.has(key));
      if (stale.length > 0) {
        throw new PatchTargetError(
          id,
          `the name map lists operations that are gone: ${stale.join(', ')}`,
        );
      }
      for (const [key, operation] of found) {
        if (operation.operationId !== undefined) {
          throw new PatchTargetError(id, `${key} now has an operationId upstream`);
        }
        const name = OPERATION_NAMES[key];
        if (!name) throw new PatchTargetError(id, `${key} is not in the name map; give it a name`);
        operation.operationId = name;
      }
    },
  },
];

/** A patched copy of `doc`; the input is not touched. Throws the first patch that fails. */
export function applyPatches(
  doc: OpenAPIDocument,
  patches: readonly SpecPatch[] = SPEC_PATCHES,
): OpenAPIDocument {
  const copy = structuredClone(doc);
  for (const patch of patches) patch.apply(copy);
  return copy;
}
