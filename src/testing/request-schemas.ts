// Made from openapi/fish-audio.yaml by test/stand-in-schemas.test.ts; do not edit by hand.
// Regenerate: WRITE_REQUEST_SCHEMAS=1 npx vitest run test/stand-in-schemas.test.ts
/**
 * The spec's request side, for the stand-in's checks: per operation key, the schema of each
 * parameter (by its wire name) and of the body in each encoding; and the components they name
 * by `$ref`. Annotations (titles, descriptions, examples, defaults) are left out.
 */
import type { Schema } from './schema-check.js';

/** See {@link requestSchemas}. */
export interface RequestSchemas {
  operations: Record<
    string,
    { parameters: Record<string, Schema>; body: Partial<Record<string, Schema>> }
  >;
  components: Record<string, Schema>;
}

export const requestSchemas: RequestSchemas = {
  operations: {
    'GET /model': {
      parameters: {
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
        page_number: { type: 'integer', minimum: 1 },
        title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        tag: {
          anyOf: [
            { type: 'array', items: { type: 'string' } },
            { type: 'string' },
            { type: 'null' },
          ],
        },
        self: { type: 'boolean' },
        author_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        language: {
          anyOf: [
            { type: 'array', items: { type: 'string' } },
            { type: 'string' },
            { type: 'null' },
          ],
        },
        title_language: {
          anyOf: [
            { type: 'array', items: { type: 'string' } },
            { type: 'string' },
            { type: 'null' },
          ],
        },
        sort_by: { type: 'string', enum: ['score', 'task_count', 'created_at'] },
      },
      body: {},
    },
    'POST /model': {
      parameters: {},
      body: {
        multipart: {
          type: 'object',
          properties: {
            visibility: { type: 'string', enum: ['public', 'unlist', 'private'] },
            type: { type: 'string', const: 'tts' },
            title: { type: 'string' },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            cover_image: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            train_mode: { type: 'string', const: 'fast' },
            voices: {
              anyOf: [
                {
                  type: 'array',
                  items: { type: 'string', format: 'binary' },
                  minItems: 1,
                  maxItems: 20,
                },
                { type: 'string', format: 'binary' },
              ],
            },
            texts: {
              anyOf: [
                { type: 'array', items: { type: 'string' }, maxItems: 20 },
                { type: 'string' },
                { type: 'null' },
              ],
            },
            tags: {
              anyOf: [
                { type: 'array', items: { type: 'string' } },
                { type: 'string' },
                { type: 'null' },
              ],
            },
            enhance_audio_quality: { type: 'boolean' },
            generate_sample: { type: 'boolean' },
          },
          required: ['type', 'title', 'train_mode', 'voices'],
        },
        msgpack: {
          type: 'object',
          properties: {
            visibility: { type: 'string', enum: ['public', 'unlist', 'private'] },
            type: { type: 'string', const: 'tts' },
            title: { type: 'string' },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            cover_image: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            train_mode: { type: 'string', const: 'fast' },
            voices: {
              anyOf: [
                {
                  type: 'array',
                  items: { type: 'string', format: 'binary' },
                  minItems: 1,
                  maxItems: 20,
                },
                { type: 'string', format: 'binary' },
              ],
            },
            texts: {
              anyOf: [
                { type: 'array', items: { type: 'string' }, maxItems: 20 },
                { type: 'string' },
                { type: 'null' },
              ],
            },
            tags: {
              anyOf: [
                { type: 'array', items: { type: 'string' } },
                { type: 'string' },
                { type: 'null' },
              ],
            },
            enhance_audio_quality: { type: 'boolean' },
            generate_sample: { type: 'boolean' },
          },
          required: ['type', 'title', 'train_mode', 'voices'],
        },
      },
    },
    'GET /model/{id}': { parameters: { id: { type: 'string' } }, body: {} },
    'DELETE /model/{id}': { parameters: { id: { type: 'string' } }, body: {} },
    'PATCH /model/{id}': {
      parameters: { id: { type: 'string' } },
      body: {
        multipart: {
          type: 'object',
          properties: {
            title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            cover_image: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            visibility: {
              anyOf: [{ type: 'string', enum: ['public', 'unlist', 'private'] }, { type: 'null' }],
            },
            tags: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] },
          },
        },
        msgpack: {
          type: 'object',
          properties: {
            title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            cover_image: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            visibility: {
              anyOf: [{ type: 'string', enum: ['public', 'unlist', 'private'] }, { type: 'null' }],
            },
            tags: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] },
          },
        },
      },
    },
    'GET /v1/agent/agents': {
      parameters: {
        search: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        include_archived: { type: 'boolean' },
        publication_state: { type: 'string', enum: ['all', 'live', 'draft'] },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'POST /v1/agent/agents': {
      parameters: {},
      body: { json: { $ref: '#/components/schemas/PublicAgentCreatePayload' } },
    },
    'GET /v1/agent/agents/{agent_id}': { parameters: { agent_id: { type: 'string' } }, body: {} },
    'DELETE /v1/agent/agents/{agent_id}': {
      parameters: { agent_id: { type: 'string' } },
      body: {},
    },
    'PATCH /v1/agent/agents/{agent_id}': {
      parameters: { agent_id: { type: 'string' } },
      body: { json: { $ref: '#/components/schemas/PublicAgentUpdatePayload' } },
    },
    'GET /v1/agent/agents/{agent_id}/config': {
      parameters: { agent_id: { type: 'string' } },
      body: {},
    },
    'PATCH /v1/agent/agents/{agent_id}/config': {
      parameters: { agent_id: { type: 'string' } },
      body: { json: { $ref: '#/components/schemas/PublicAgentConfigPatchPayload' } },
    },
    'POST /v1/agent/agents/{agent_id}/publish': {
      parameters: { agent_id: { type: 'string' } },
      body: {
        json: {
          type: 'object',
          properties: {
            version_title: { type: 'string', maxLength: 120 },
            version_description: { type: 'string', maxLength: 2000 },
          },
          additionalProperties: false,
        },
      },
    },
    'GET /v1/agent/agents/{agent_id}/versions': {
      parameters: {
        agent_id: { type: 'string' },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'GET /v1/agent/agents/{agent_id}/versions/{version_number}': {
      parameters: { agent_id: { type: 'string' }, version_number: { type: 'integer' } },
      body: {},
    },
    'GET /v1/agent/agents/{agent_id}/widget': {
      parameters: {
        agent_id: { type: 'string' },
        origin: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      body: {},
    },
    'GET /v1/agent/available-phone-numbers': {
      parameters: {
        country_code: { type: 'string' },
        area_code: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        number_type: { type: 'string', enum: ['local', 'toll_free'] },
        provider: { anyOf: [{ type: 'string', const: 'twilio' }, { type: 'null' }] },
      },
      body: {},
    },
    'GET /v1/agent/knowledge-sources': {
      parameters: {
        search: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'POST /v1/agent/knowledge-sources': {
      parameters: {},
      body: {
        multipart: {
          type: 'object',
          properties: {
            source: { type: 'string', format: 'binary' },
            name: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            description: { type: 'string' },
          },
          required: ['source'],
        },
      },
    },
    'GET /v1/agent/knowledge-sources/{source_id}': {
      parameters: { source_id: { type: 'string' } },
      body: {},
    },
    'DELETE /v1/agent/knowledge-sources/{source_id}': {
      parameters: { source_id: { type: 'string' } },
      body: {},
    },
    'PATCH /v1/agent/knowledge-sources/{source_id}': {
      parameters: { source_id: { type: 'string' } },
      body: {
        multipart: {
          type: 'object',
          properties: {
            source: { anyOf: [{ type: 'string', format: 'binary' }, { type: 'null' }] },
            name: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          },
        },
      },
    },
    'GET /v1/agent/knowledge-sources/{source_id}/agents': {
      parameters: { source_id: { type: 'string' } },
      body: {},
    },
    'POST /v1/agent/phone-calls': {
      parameters: { 'idempotency-key': { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      body: { json: { $ref: '#/components/schemas/PhoneCallCreatePayload' } },
    },
    'GET /v1/agent/phone-numbers': {
      parameters: {
        phone_number: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        agent_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'POST /v1/agent/phone-numbers': {
      parameters: {},
      body: { json: { $ref: '#/components/schemas/PublicPhoneNumberPurchasePayload' } },
    },
    'GET /v1/agent/phone-numbers/{phone_number_id}': {
      parameters: { phone_number_id: { type: 'string' } },
      body: {},
    },
    'DELETE /v1/agent/phone-numbers/{phone_number_id}': {
      parameters: { phone_number_id: { type: 'string' } },
      body: {},
    },
    'PATCH /v1/agent/phone-numbers/{phone_number_id}': {
      parameters: { phone_number_id: { type: 'string' } },
      body: { json: { $ref: '#/components/schemas/PublicPhoneNumberUpdatePayload' } },
    },
    'GET /v1/agent/sessions': {
      parameters: {
        agent_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        status: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        direction: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        caller_number: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        created_after: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        created_before: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'POST /v1/agent/sessions': {
      parameters: { origin: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      body: { json: { $ref: '#/components/schemas/AgentSessionCreatePayload' } },
    },
    'GET /v1/agent/sessions/{session_id}': {
      parameters: { session_id: { type: 'string' } },
      body: {},
    },
    'POST /v1/agent/sessions/{session_id}/end': {
      parameters: { session_id: { type: 'string' } },
      body: {},
    },
    'GET /v1/agent/sessions/{session_id}/recording': {
      parameters: { session_id: { type: 'string' } },
      body: {},
    },
    'GET /v1/agent/tools': {
      parameters: {
        search: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        agent_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        page: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        include_total: { type: 'boolean' },
        page_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      body: {},
    },
    'POST /v1/agent/tools': {
      parameters: {},
      body: { json: { $ref: '#/components/schemas/PublicAgentToolCreatePayload' } },
    },
    'GET /v1/agent/tools/{tool_id}': { parameters: { tool_id: { type: 'string' } }, body: {} },
    'DELETE /v1/agent/tools/{tool_id}': { parameters: { tool_id: { type: 'string' } }, body: {} },
    'PATCH /v1/agent/tools/{tool_id}': {
      parameters: { tool_id: { type: 'string' } },
      body: { json: { $ref: '#/components/schemas/PublicAgentToolUpdatePayload' } },
    },
    'GET /v1/agent/tools/{tool_id}/agents': {
      parameters: { tool_id: { type: 'string' } },
      body: {},
    },
    'POST /v1/asr': {
      parameters: {},
      body: {
        multipart: {
          type: 'object',
          properties: {
            audio: { type: 'string', format: 'binary' },
            language: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            ignore_timestamps: { type: 'boolean' },
          },
          required: ['audio'],
        },
        msgpack: {
          type: 'object',
          properties: {
            audio: { type: 'string', format: 'binary' },
            language: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            ignore_timestamps: { type: 'boolean' },
          },
          required: ['audio'],
        },
      },
    },
    'POST /v1/tts': {
      parameters: {
        model: { type: 'string', enum: ['s1', 's2-pro', 's2.1-pro', 's2.1-pro-free'] },
      },
      body: {
        json: { $ref: '#/components/schemas/TTSRequest' },
        msgpack: { $ref: '#/components/schemas/TTSRequest' },
      },
    },
    'POST /v1/tts/stream/with-timestamp': {
      parameters: {
        model: { type: 'string', enum: ['s1', 's2-pro', 's2.1-pro', 's2.1-pro-free'] },
      },
      body: {
        json: { $ref: '#/components/schemas/TTSStreamWithTimestampRequest' },
        msgpack: { $ref: '#/components/schemas/TTSStreamWithTimestampRequest' },
      },
    },
    'POST /v1/voice-design': {
      parameters: { model: { type: 'string', const: 'voice-design-1' } },
      body: { json: { $ref: '#/components/schemas/VoiceDesignRequest' } },
    },
    'GET /wallet/{user_id}/api-credit': {
      parameters: {
        check_free_credit: { type: 'boolean' },
        team_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        user_id: { type: 'string' },
      },
      body: {},
    },
    'GET /wallet/{user_id}/package': { parameters: { user_id: { type: 'string' } }, body: {} },
  },
  components: {
    AgentOutboundPatch: {
      type: 'object',
      properties: {
        amd_enabled: { type: 'boolean' },
        voicemail: {
          anyOf: [{ $ref: '#/components/schemas/AgentOutboundVoicemailPatch' }, { type: 'null' }],
        },
      },
      additionalProperties: false,
    },
    AgentOutboundVoicemailPatch: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['hangup', 'leave_message', 'leave_prompt_message'] },
        message: { type: 'string', maxLength: 10000 },
      },
      additionalProperties: false,
    },
    AgentSessionCreatePayload: {
      type: 'object',
      properties: {
        agent_id: { type: 'string' },
        name: { anyOf: [{ type: 'string', maxLength: 128 }, { type: 'null' }] },
        timezone: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
        client_timezone: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
        world_context: { type: 'boolean' },
        overrides: {
          anyOf: [{ $ref: '#/components/schemas/AgentSessionOverridesPayload' }, { type: 'null' }],
        },
        dynamic_variables: {
          anyOf: [
            {
              type: 'object',
              additionalProperties: {
                anyOf: [
                  { type: 'string' },
                  { type: 'integer' },
                  { type: 'number' },
                  { type: 'boolean' },
                ],
              },
              maxProperties: 50,
            },
            { type: 'null' },
          ],
        },
        end_user_id: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'null' }] },
        metadata: {
          anyOf: [
            { type: 'object', additionalProperties: { $ref: '#/components/schemas/JsonValue' } },
            { type: 'null' },
          ],
        },
        tool_events: { type: 'boolean' },
        record_audio: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['agent_id'],
    },
    AgentSessionOverridesPayload: {
      type: 'object',
      properties: {
        first_message: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
        first_message_prompt: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
        system_prompt: { anyOf: [{ type: 'string', maxLength: 100000 }, { type: 'null' }] },
        voice_id: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'null' }] },
        language: {
          anyOf: [
            { type: 'string', enum: ['en', 'ja', 'zh', 'ko', 'es', 'fr', 'de'] },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
    AgentTransferDestinationPatch: {
      type: 'object',
      properties: {
        type: { type: 'string', const: 'phone' },
        label: { type: 'string' },
        phone_number: { type: 'string' },
        mode: { type: 'string', enum: ['cold', 'warm'] },
        warm_connect: { type: 'string', enum: ['confirm', 'direct'] },
      },
      additionalProperties: false,
      required: ['phone_number'],
    },
    AgentWebhookArgumentPayload: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 64 },
        description: { type: 'string', maxLength: 500 },
      },
      required: ['name'],
    },
    AgentWebhookHeaderPayload: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 128 },
        value: { type: 'string', maxLength: 4000 },
        kind: { type: 'string', enum: ['custom', 'authorization_bearer', 'authorization_basic'] },
      },
      required: ['name', 'value'],
    },
    AgentWebhookMockResponsePayload: {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 120 },
        status_code: { type: 'integer', minimum: 100, maximum: 599 },
        content_type: { type: 'string', maxLength: 128 },
        body: { type: 'string', maxLength: 100000 },
      },
    },
    JsonValue: {},
    PhoneCallCreatePayload: {
      type: 'object',
      properties: {
        agent_id: { type: 'string' },
        phone_number_id: { type: 'string' },
        to_number: { type: 'string' },
        dynamic_variables: {
          anyOf: [
            {
              type: 'object',
              additionalProperties: {
                anyOf: [
                  { type: 'string' },
                  { type: 'integer' },
                  { type: 'number' },
                  { type: 'boolean' },
                ],
              },
              maxProperties: 50,
            },
            { type: 'null' },
          ],
        },
        overrides: {
          anyOf: [{ $ref: '#/components/schemas/AgentSessionOverridesPayload' }, { type: 'null' }],
        },
        metadata: {
          anyOf: [
            { type: 'object', additionalProperties: { $ref: '#/components/schemas/JsonValue' } },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
      required: ['agent_id', 'phone_number_id', 'to_number'],
    },
    ProsodyControl: {
      type: 'object',
      properties: {
        speed: { type: 'number' },
        volume: { type: 'number' },
        normalize_loudness: { type: 'boolean' },
      },
    },
    PublicAgentAnalysisCriterion: {
      type: 'object',
      properties: {
        name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
        description: { type: 'string', maxLength: 500 },
      },
      additionalProperties: false,
      required: ['name'],
    },
    PublicAgentAnalysisDataField: {
      type: 'object',
      properties: {
        name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
        type: { type: 'string', enum: ['boolean', 'text', 'number', 'enum'] },
        description: { type: 'string', maxLength: 500 },
        enum_options: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['name'],
    },
    PublicAgentAnalysisPatch: {
      type: 'object',
      properties: {
        summary: {
          anyOf: [
            { $ref: '#/components/schemas/PublicAgentAnalysisSummaryPatch' },
            { type: 'null' },
          ],
        },
        data_fields: {
          anyOf: [
            {
              type: 'array',
              items: { $ref: '#/components/schemas/PublicAgentAnalysisDataField' },
              maxItems: 20,
            },
            { type: 'null' },
          ],
        },
        criteria: {
          anyOf: [
            {
              type: 'array',
              items: { $ref: '#/components/schemas/PublicAgentAnalysisCriterion' },
              maxItems: 10,
            },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
    PublicAgentAnalysisSummaryPatch: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        prompt: { anyOf: [{ type: 'string', maxLength: 1000 }, { type: 'null' }] },
        language: {
          type: 'string',
          enum: ['en', 'zh', 'ja', 'ko', 'es', 'fr', 'de', 'pt', 'ru', 'ar'],
        },
      },
      additionalProperties: false,
    },
    PublicAgentConfigPatchPayload: {
      type: 'object',
      properties: {
        prompt: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentPromptPatch' }, { type: 'null' }],
        },
        voice: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentVoicePatch' }, { type: 'null' }],
        },
        conversation: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentConversationPatch' }, { type: 'null' }],
        },
        tools: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentToolsPatch' }, { type: 'null' }],
        },
        webhooks: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentWebhooksPatch' }, { type: 'null' }],
        },
        knowledge_base: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentKnowledgeBasePatch' }, { type: 'null' }],
        },
        analysis: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentAnalysisPatch' }, { type: 'null' }],
        },
        guardrails: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentGuardrailsPatch' }, { type: 'null' }],
        },
        llm: { anyOf: [{ $ref: '#/components/schemas/PublicAgentLLMPatch' }, { type: 'null' }] },
      },
      additionalProperties: false,
    },
    PublicAgentConversationPatch: {
      type: 'object',
      properties: {
        max_duration_seconds: {
          anyOf: [{ type: 'integer', minimum: 60, maximum: 3600 }, { type: 'null' }],
        },
        eagerness: {
          anyOf: [{ type: 'string', enum: ['relaxed', 'balanced', 'eager'] }, { type: 'null' }],
        },
        interruptible: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        interruption_sensitivity: {
          anyOf: [{ type: 'string', enum: ['low', 'balanced', 'high'] }, { type: 'null' }],
        },
        reengage_enabled: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        hangup_after_seconds: {
          anyOf: [{ type: 'integer', minimum: 10, maximum: 3600 }, { type: 'null' }],
        },
        hangup_farewell_enabled: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        record_audio: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        timezone: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'null' }] },
        transfer_destinations: {
          anyOf: [
            {
              type: 'array',
              items: { $ref: '#/components/schemas/AgentTransferDestinationPatch' },
            },
            { type: 'null' },
          ],
        },
        outbound: {
          anyOf: [{ $ref: '#/components/schemas/AgentOutboundPatch' }, { type: 'null' }],
        },
      },
      additionalProperties: false,
    },
    PublicAgentCreatePayload: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 120 },
        description: { type: 'string', maxLength: 2000 },
        config: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentConfigPatchPayload' }, { type: 'null' }],
        },
      },
      additionalProperties: false,
      required: ['name'],
    },
    PublicAgentGuardrailsPatch: {
      type: 'object',
      properties: {
        focus: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        manipulation: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
      },
      additionalProperties: false,
    },
    PublicAgentKnowledgeBasePatch: {
      type: 'object',
      properties: {
        enabled: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        knowledge_source_ids: {
          anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }],
        },
      },
      additionalProperties: false,
    },
    PublicAgentLLMCustomConfig: {
      type: 'object',
      properties: {
        base_url: { type: 'string', minLength: 1, maxLength: 2000 },
        model: { type: 'string', minLength: 1, maxLength: 256 },
        api_key: { anyOf: [{ type: 'string', minLength: 1, maxLength: 4096 }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['base_url', 'model'],
    },
    PublicAgentLLMPatch: {
      type: 'object',
      properties: {
        tier: {
          anyOf: [{ type: 'string', enum: ['instant', 'medium', 'high'] }, { type: 'null' }],
        },
        custom: {
          anyOf: [{ $ref: '#/components/schemas/PublicAgentLLMCustomConfig' }, { type: 'null' }],
        },
      },
      additionalProperties: false,
    },
    PublicAgentPromptPatch: {
      type: 'object',
      properties: {
        system_prompt: { anyOf: [{ type: 'string', maxLength: 100000 }, { type: 'null' }] },
        first_message_mode: {
          anyOf: [{ type: 'string', enum: ['off', 'fixed', 'prompt'] }, { type: 'null' }],
        },
        first_message: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
        first_message_prompt: { anyOf: [{ type: 'string', maxLength: 10000 }, { type: 'null' }] },
      },
      additionalProperties: false,
    },
    PublicAgentToolCreatePayload: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 120 },
        description: { type: 'string', maxLength: 2000 },
        tool_type: { type: 'string', enum: ['webhook', 'client'] },
        arguments: {
          type: 'array',
          items: { $ref: '#/components/schemas/AgentWebhookArgumentPayload' },
        },
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        url: { type: 'string', maxLength: 4000 },
        content_type: { type: 'string', maxLength: 128 },
        body_template: { type: 'string', maxLength: 100000 },
        headers: {
          type: 'array',
          items: { $ref: '#/components/schemas/AgentWebhookHeaderPayload' },
        },
        timeout_seconds: { type: 'integer', minimum: 1, maximum: 300 },
        error_handling: { type: 'string', enum: ['passthrough', 'hide'] },
        mock_responses: {
          type: 'array',
          items: { $ref: '#/components/schemas/AgentWebhookMockResponsePayload' },
        },
        expects_response: { type: 'boolean' },
        execution_mode: { type: 'string', enum: ['blocking', 'fire_and_forget', 'background'] },
      },
      additionalProperties: false,
      required: ['name'],
    },
    PublicAgentToolsPatch: {
      type: 'object',
      properties: {
        enabled: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        tool_ids: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
        system_tools: {
          anyOf: [{ $ref: '#/components/schemas/PublicSystemToolsPatch' }, { type: 'null' }],
        },
      },
      additionalProperties: false,
    },
    PublicAgentToolUpdatePayload: {
      type: 'object',
      properties: {
        name: { anyOf: [{ type: 'string', minLength: 1, maxLength: 120 }, { type: 'null' }] },
        description: { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'null' }] },
        arguments: {
          anyOf: [
            { type: 'array', items: { $ref: '#/components/schemas/AgentWebhookArgumentPayload' } },
            { type: 'null' },
          ],
        },
        method: {
          anyOf: [
            { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
            { type: 'null' },
          ],
        },
        url: { anyOf: [{ type: 'string', minLength: 1, maxLength: 4000 }, { type: 'null' }] },
        content_type: { anyOf: [{ type: 'string', maxLength: 128 }, { type: 'null' }] },
        body_template: { anyOf: [{ type: 'string', maxLength: 100000 }, { type: 'null' }] },
        headers: {
          anyOf: [
            { type: 'array', items: { $ref: '#/components/schemas/AgentWebhookHeaderPayload' } },
            { type: 'null' },
          ],
        },
        timeout_seconds: {
          anyOf: [{ type: 'integer', minimum: 1, maximum: 300 }, { type: 'null' }],
        },
        error_handling: {
          anyOf: [{ type: 'string', enum: ['passthrough', 'hide'] }, { type: 'null' }],
        },
        mock_responses: {
          anyOf: [
            {
              type: 'array',
              items: { $ref: '#/components/schemas/AgentWebhookMockResponsePayload' },
            },
            { type: 'null' },
          ],
        },
        expects_response: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        execution_mode: {
          anyOf: [
            { type: 'string', enum: ['blocking', 'fire_and_forget', 'background'] },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
    PublicAgentUpdatePayload: {
      type: 'object',
      properties: {
        name: { anyOf: [{ type: 'string', minLength: 1, maxLength: 120 }, { type: 'null' }] },
        description: { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'null' }] },
        status: { anyOf: [{ type: 'string', enum: ['active', 'archived'] }, { type: 'null' }] },
        public_enabled: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        allowed_origins: {
          anyOf: [{ type: 'array', items: { type: 'string' }, maxItems: 20 }, { type: 'null' }],
        },
        overrides_allowed: {
          anyOf: [
            {
              type: 'array',
              items: {
                type: 'string',
                enum: ['first_message', 'system_prompt', 'voice_id', 'language'],
              },
              maxItems: 8,
            },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
    PublicAgentVoicePatch: {
      type: 'object',
      properties: {
        voice_id: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'null' }] },
        speaking_language: {
          anyOf: [
            { type: 'string', enum: ['en', 'ja', 'zh', 'ko', 'es', 'fr', 'de'] },
            { type: 'null' },
          ],
        },
        expressive: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
      },
      additionalProperties: false,
    },
    PublicAgentWebhooksPatch: {
      type: 'object',
      properties: {
        conversation_init: {
          anyOf: [
            { $ref: '#/components/schemas/PublicConversationInitWebhookPayload' },
            { type: 'null' },
          ],
        },
        post_call: {
          anyOf: [
            {
              type: 'array',
              items: { $ref: '#/components/schemas/PublicPostCallWebhookPayload' },
              maxItems: 5,
            },
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
    PublicConversationInitWebhookPayload: {
      type: 'object',
      properties: {
        url: { type: 'string', minLength: 1, maxLength: 4000 },
        secret: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'null' }] },
        timeout_seconds: { type: 'number', minimum: 1, maximum: 8 },
      },
      additionalProperties: false,
      required: ['url'],
    },
    PublicPhoneNumberPurchasePayload: {
      type: 'object',
      properties: {
        provider: { type: 'string', const: 'twilio' },
        phone_number: { type: 'string' },
        label: { type: 'string', maxLength: 120 },
        agent_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['provider', 'phone_number'],
    },
    PublicPhoneNumberUpdatePayload: {
      type: 'object',
      properties: {
        label: { anyOf: [{ type: 'string', maxLength: 120 }, { type: 'null' }] },
        agent_id: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      additionalProperties: false,
    },
    PublicPostCallWebhookPayload: {
      type: 'object',
      properties: {
        url: { type: 'string', minLength: 1, maxLength: 4000 },
        secret: { anyOf: [{ type: 'string', maxLength: 256 }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['url'],
    },
    PublicSystemToolsPatch: {
      type: 'object',
      properties: { hang_up_call: { anyOf: [{ type: 'boolean' }, { type: 'null' }] } },
      additionalProperties: false,
    },
    ReferenceAudio: {
      type: 'object',
      properties: { audio: { type: 'string', format: 'binary' }, text: { type: 'string' } },
      required: ['audio', 'text'],
    },
    TTSRequest: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        temperature: { type: 'number', minimum: 0, maximum: 1 },
        top_p: { type: 'number', minimum: 0, maximum: 1 },
        references: {
          anyOf: [
            { type: 'array', items: { $ref: '#/components/schemas/ReferenceAudio' } },
            {
              type: 'array',
              items: { type: 'array', items: { $ref: '#/components/schemas/ReferenceAudio' } },
            },
            { type: 'null' },
          ],
        },
        reference_id: {
          anyOf: [
            { type: 'string' },
            { type: 'array', items: { type: 'string' } },
            { type: 'null' },
          ],
        },
        prosody: { anyOf: [{ $ref: '#/components/schemas/ProsodyControl' }, { type: 'null' }] },
        chunk_length: { type: 'integer', minimum: 100, maximum: 300 },
        normalize: { type: 'boolean' },
        format: { type: 'string', enum: ['wav', 'pcm', 'mp3', 'opus'] },
        sample_rate: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        mp3_bitrate: { type: 'integer', enum: [64, 128, 192] },
        opus_bitrate: { type: 'integer', enum: [-1000, 24000, 32000, 48000, 64000] },
        latency: { type: 'string', enum: ['low', 'normal', 'balanced'] },
        max_new_tokens: { type: 'integer' },
        repetition_penalty: { type: 'number' },
        min_chunk_length: { type: 'integer', minimum: 0, maximum: 100 },
        condition_on_previous_chunks: { type: 'boolean' },
        early_stop_threshold: { type: 'number', minimum: 0, maximum: 1 },
        features: { type: 'array', items: { type: 'string' } },
      },
      required: ['text'],
    },
    TTSStreamWithTimestampRequest: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        temperature: { type: 'number', minimum: 0, maximum: 1 },
        top_p: { type: 'number', minimum: 0, maximum: 1 },
        references: {
          anyOf: [
            { type: 'array', items: { $ref: '#/components/schemas/ReferenceAudio' } },
            {
              type: 'array',
              items: { type: 'array', items: { $ref: '#/components/schemas/ReferenceAudio' } },
            },
            { type: 'null' },
          ],
        },
        reference_id: {
          anyOf: [
            { type: 'string' },
            { type: 'array', items: { type: 'string' } },
            { type: 'null' },
          ],
        },
        prosody: { anyOf: [{ $ref: '#/components/schemas/ProsodyControl' }, { type: 'null' }] },
        chunk_length: { type: 'integer', minimum: 100, maximum: 300 },
        normalize: { type: 'boolean' },
        format: { type: 'string', enum: ['wav', 'pcm', 'mp3', 'opus'] },
        sample_rate: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        mp3_bitrate: { type: 'integer', enum: [64, 128, 192] },
        opus_bitrate: { type: 'integer', enum: [-1000, 24000, 32000, 48000, 64000] },
        latency: { type: 'string', enum: ['low', 'normal', 'balanced'] },
        max_new_tokens: { type: 'integer' },
        repetition_penalty: { type: 'number' },
        min_chunk_length: { type: 'integer', minimum: 0, maximum: 100 },
        condition_on_previous_chunks: { type: 'boolean' },
        early_stop_threshold: { type: 'number', minimum: 0, maximum: 1 },
        features: { type: 'array', items: { type: 'string' } },
      },
      required: ['text'],
    },
    VoiceDesignRequest: {
      type: 'object',
      properties: {
        instruction: { type: 'string', minLength: 1, maxLength: 2000 },
        reference_text: { anyOf: [{ type: 'string', maxLength: 150 }, { type: 'null' }] },
        language: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        n: { type: 'integer', minimum: 1, maximum: 4 },
        speed: { type: 'number', exclusiveMinimum: 0, maximum: 3 },
        num_step: { type: 'integer', minimum: 1, maximum: 128 },
        guidance_scale: { type: 'number', minimum: 0 },
        instruct_guidance_scale: { type: 'number', minimum: 0 },
        seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
      additionalProperties: false,
      required: ['instruction'],
    },
  },
};
