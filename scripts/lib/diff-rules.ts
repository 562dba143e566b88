/** Every rule id spec:diff reports, with what it means; `npm run spec:diff -- --rules` prints it. */
import { CONSTRAINT_KEYWORDS, EXTRA_KEYWORDS } from './schema-shape.js';
import { kebab } from './diff-schemas.js';

/** Rule id -> what it reports and when it breaks. */
export const RULES: Record<string, string> = {
  'operation-added': 'an operation appeared (info)',
  'operation-removed': 'an operation is gone: its method disappears (breaking, callers)',
  'path-parameter-renamed':
    'a path parameter renamed: same wire, changed path key (breaking, callers)',
  'security-added': 'authentication now required where none was (breaking, callers)',
  'security-removed': 'authentication no longer required (info)',
  'security-requirement-added':
    'a new way to authenticate (info; what it replaces is reported as removed)',
  'security-requirement-removed':
    'a way to authenticate is gone, e.g. bearer -> API key or a second scheme required (breaking unless another accepts what a caller sends)',
  'parameter-added': 'a parameter appeared (breaking when required)',
  'parameter-removed': 'a parameter is gone: typed callers that pass it stop compiling (breaking)',
  'parameter-became-required': 'a parameter must now be sent (breaking)',
  'parameter-became-optional': 'a parameter may now be left out (info)',
  'request-body-added': 'a request body appeared (breaking when required)',
  'request-body-removed': 'the request body is gone (breaking)',
  'request-body-became-required': 'the request body must now be sent (breaking)',
  'request-body-became-optional': 'the request body may now be left out (info)',
  'status-added': 'a response status appeared (info)',
  'status-removed': 'a response status is gone (info)',
  'response-header-added': 'a response header appeared (info)',
  'response-header-removed':
    'a response header is gone (breaks readers when it was required, a warning when optional)',
  'response-header-became-required': 'a response header is now always sent (info)',
  'response-header-became-optional': 'a response header may now be missing (breaks readers)',
  'media-type-added': 'a media type appeared (info)',
  'media-type-removed': 'a media type is gone (breaking)',
  'type-widened': 'more JSON types allowed (breaks readers)',
  'type-narrowed': 'fewer JSON types allowed (breaks callers)',
  'type-changed': 'JSON types changed (breaking)',
  'became-nullable': 'null now allowed (breaks readers)',
  'no-longer-nullable': 'null no longer allowed (breaks callers)',
  'enum-added': 'values now restricted to an enum (breaks callers)',
  'enum-removed': 'enum restriction dropped (breaks readers)',
  'enum-value-added': 'an enum value added (breaks readers)',
  'enum-value-removed': 'an enum value removed (breaks callers)',
  'format-changed': 'format changed (narrowing breaks callers, widening readers)',
  'property-added': 'a property appeared (breaks callers when required)',
  'property-removed': 'a property is gone (breaks callers; readers when it was required)',
  'property-became-required': 'a property must now be sent (breaks callers)',
  'property-became-optional': 'a property may now be missing (breaks readers)',
  'items-schema-added': 'an array items schema added (breaks callers)',
  'items-schema-removed':
    'an array items schema dropped: elements may be anything (breaks readers)',
  'default-changed':
    'a default changed (breaking for a parameter optional before and after: omitting it means something else; a warning when it was required and is now optional; info otherwise)',
  'one-of-overlapping':
    'a new oneOf whose variants overlap: bodies matching two are refused (breaking)',
  'all-of-added': 'a named allOf part added (breaks callers)',
  'all-of-removed': 'a named allOf part removed (warning for callers)',
  'any-of-added': 'a named anyOf variant added (info)',
  'any-of-removed': 'a named anyOf variant removed (breaks callers)',
  'one-of-added': 'a named oneOf variant added (breaks readers)',
  'one-of-removed': 'a named oneOf variant removed (breaks callers)',
  ...Object.fromEntries(
    CONSTRAINT_KEYWORDS.filter((k) => k !== 'default').flatMap((keyword) =>
      ['added', 'removed', 'increased', 'decreased', 'changed'].map((state) => [
        `${kebab(keyword)}-${state}`,
        `${keyword} ${state} (a narrowing breaks callers, a widening readers; a changed pattern is a warning)`,
      ]),
    ),
  ),
  ...Object.fromEntries(
    EXTRA_KEYWORDS.flatMap((keyword) =>
      ['added', 'removed', 'changed'].map((state) => [
        `${kebab(keyword)}-${state}`,
        `${keyword} ${state} (added breaks callers, removed breaks readers, changed is a warning)`,
      ]),
    ),
  ),
};
