/**
 * How `fish-audio-api/realtime` reads a client's resolved options (key, base URL, headers,
 * timeout) without making them public: a method under this symbol. `Symbol.for`, because the
 * CommonJS realtime bundle holds its own copy of this module, and a registered symbol is the
 * same in every copy. The method lives on the prototype, so neither `util.inspect` nor
 * `JSON.stringify` of a client shows it.
 */
export const RESOLVED_OPTIONS: unique symbol = Symbol.for('fish-audio-api.resolvedOptions');
