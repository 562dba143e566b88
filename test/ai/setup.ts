/** The `ai` project's setup: the AI SDK logs every warning to the console; the tests read them. */
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
