/**
 * Compares two OpenAPI 3.x documents operation by operation: parameters, request body and
 * responses; the schemas inside go to diff-schemas.ts.
 */
import { change, type Change, type SpecDiffReport } from './diff-model.js';
import { compareSchemas, type Docs, type SchemaSite } from './diff-schemas.js';
import { diffSecurity, effectiveSecurity } from './diff-security.js';
import { asArray, isPlainObject, sameValue, unique, type Json } from './json.js';
import { deref, HTTP_METHODS, sameWithRefs, type OpenAPIDocument } from './openapi.js';

interface Operation {
  parameters: Map<string, Json>;
  requestBody?: Json;
  responses: Map<string, Json>;
  /** The security alternatives that apply: the operation's own, else the document's. */
  security: ReturnType<typeof effectiveSecurity>;
}

/** Compares two documents operation by operation. */
export function diffSpecs(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument): SpecDiffReport {
  const before = listOperations(oldDoc);
  const after = listOperations(newDoc);
  const renamed = renamedPathParameters(before, after);
  const keys = unique([...before.keys(), ...after.keys()]).filter((key) => !renamed.has(key));
  const same = sameWithRefs(oldDoc, newDoc);
  const operations = keys
    .map((key) => {
      const newKey = [...renamed].find(([, old]) => old === key)?.[0];
      if (newKey === undefined) {
        const [old, now] = [before.get(key), after.get(key)];
        // Nothing below the security can differ: skip the shapes (most of a large document).
        if (old && now && same(contents(old), contents(now))) {
          return { key, changes: diffSecurity(old.security, now.security) };
        }
        return { key, changes: diffOperation(oldDoc, newDoc, old, now) };
      }
      // Same wire, but openapi-fetch callers name the path (and its parameters) by key.
      const message = `path parameters renamed: ${key.split(' ')[1]} -> ${newKey.split(' ')[1]}`;
      const renaming = change('callers', true, 'path-parameter-renamed', message);
      const rest = diffOperation(oldDoc, newDoc, before.get(key), after.get(newKey), true);
      return { key: newKey, changes: [renaming, ...rest] };
    })
    .filter((operation) => operation.changes.length > 0);
  const breaking = operations.some((operation) => operation.changes.some((c) => c.breaking));
  return { breaking, operations };
}

/** What an operation holds besides its security, as one comparable value. */
function contents(operation: Operation): unknown {
  return [[...operation.parameters], operation.requestBody, [...operation.responses]];
}

/**
 * Operations whose path differs only in the names of its parameters (`/t/{id}` -> `/t/{testId}`),
 * as a map from the new key to the old one.
 */
function renamedPathParameters(
  before: Map<string, Operation>,
  after: Map<string, Operation>,
): Map<string, string> {
  const template = (key: string) => key.replace(/\{[^}]*\}/g, '{}');
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const renamed = new Map<string, string>();
  for (const key of [...after.keys()].filter((key) => !before.has(key))) {
    const old = removed.filter((candidate) => template(candidate) === template(key));
    if (old.length === 1) renamed.set(key, old[0]!);
  }
  return renamed;
}

/** Every operation of `doc`, keyed like `GET /path`. */
function listOperations(doc: OpenAPIDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [route, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = resolve(doc, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isPlainObject(operation)) continue;
      operations.set(`${method.toUpperCase()} ${route}`, {
        parameters: collectParameters(doc, item.parameters, operation.parameters),
        requestBody: isPlainObject(operation.requestBody)
          ? resolve(doc, operation.requestBody)
          : undefined,
        responses: new Map(
          Object.entries(isPlainObject(operation.responses) ? operation.responses : {}).map(
            ([status, response]) => [status, resolve(doc, response)],
          ),
        ),
        security: effectiveSecurity(doc, operation),
      });
    }
  }
  return operations;
}

/** Path-level parameters apply to every operation; an operation's own ones override them. */
function collectParameters(doc: OpenAPIDocument, shared: unknown, own: unknown): Map<string, Json> {
  const parameters = new Map<string, Json>();
  for (const raw of [...asArray(shared), ...asArray(own)]) {
    const parameter = resolve(doc, raw);
    parameters.set(parameterKey(parameter), parameter);
  }
  return parameters;
}

/** `after`'s path parameters under `before`'s names, matched by position in the path. */
function renamePathParameters(before: Map<string, Json>, after: Map<string, Json>) {
  const oldPath = [...before.keys()].filter((key) => key.startsWith('path:'));
  const newPath = [...after.keys()].filter((key) => key.startsWith('path:'));
  const names = new Map(newPath.map((key, i) => [key, oldPath[i] ?? key]));
  return new Map([...after].map(([key, value]) => [names.get(key) ?? key, value]));
}

/** `in:name`: what identifies a parameter within an operation. */
function parameterKey(parameter: Json): string {
  const name = String(parameter.name);
  // Header names are case-insensitive, so `X-Team` and `x-team` are the same parameter.
  return `${String(parameter.in)}:${parameter.in === 'header' ? name.toLowerCase() : name}`;
}

/** The changes to one operation; a missing side means it was added or removed. */
function diffOperation(
  oldDoc: OpenAPIDocument,
  newDoc: OpenAPIDocument,
  before: Operation | undefined,
  after: Operation | undefined,
  renamed = false,
): Change[] {
  if (!before) return [change('callers', false, 'operation-added', 'operation added')];
  if (!after) return [change('callers', true, 'operation-removed', 'operation removed')];
  const docs = { oldDoc, newDoc };
  const afterParameters = renamed
    ? renamePathParameters(before.parameters, after.parameters)
    : after.parameters;
  return [
    ...diffSecurity(before.security, after.security),
    ...diffParameters(docs, before.parameters, afterParameters),
    ...diffRequestBody(docs, before.requestBody, after.requestBody),
    ...diffResponses(docs, before.responses, after.responses),
  ];
}

/** Parameters added, removed, made (not) required, and the schema of each one kept. */
function diffParameters(docs: Docs, before: Map<string, Json>, after: Map<string, Json>): Change[] {
  const changes: Change[] = [];
  for (const key of unique([...before.keys(), ...after.keys()])) {
    const oldParam = before.get(key);
    const newParam = after.get(key);
    const label = parameterLabel((newParam ?? oldParam)!);
    if (!newParam) {
      changes.push(change('callers', true, 'parameter-removed', `${label} removed`));
    } else if (!oldParam) {
      const required = isRequiredParameter(newParam);
      const detail = required ? 'required' : 'optional';
      changes.push(change('callers', required, 'parameter-added', `${label} added (${detail})`));
    } else {
      const [was, is] = [isRequiredParameter(oldParam), isRequiredParameter(newParam)];
      changes.push(...diffRequired(label, 'parameter', was, is));
      const site = {
        ...docs,
        audience: 'callers' as const,
        where: label,
        subject: label,
        changes,
        ancestors: [],
        parameter: { wasRequired: was, isRequired: is },
      };
      compareSchemas(site, '', parameterSchema(oldParam), parameterSchema(newParam));
    }
  }
  return changes;
}

function parameterLabel(parameter: Json): string {
  return `${String(parameter.in)} parameter "${String(parameter.name)}"`;
}

/** OpenAPI makes path parameters always required, whatever `required` says. */
function isRequiredParameter(parameter: Json): boolean {
  return parameter.in === 'path' || parameter.required === true;
}

/** A parameter's schema sits under `schema`, or under `content` for serialised values. */
function parameterSchema(parameter: Json): unknown {
  if (parameter.schema !== undefined) return parameter.schema;
  const media = Object.values(isPlainObject(parameter.content) ? parameter.content : {})[0];
  return isPlainObject(media) ? media.schema : undefined;
}

/** Only callers feel this: a newly required input is one they may not be sending yet. */
function diffRequired(label: string, kindPrefix: string, was: boolean, is: boolean): Change[] {
  if (was === is) return [];
  return is
    ? [change('callers', true, `${kindPrefix}-became-required`, `${label} became required`)]
    : [change('callers', false, `${kindPrefix}-became-optional`, `${label} became optional`)];
}

/** The request body added, removed, made (not) required, and its content. */
function diffRequestBody(docs: Docs, before: Json | undefined, after: Json | undefined): Change[] {
  const label = 'request body';
  if (!after)
    return before ? [change('callers', true, 'request-body-removed', `${label} removed`)] : [];
  if (!before) {
    const required = after.required === true;
    const detail = required ? 'required' : 'optional';
    return [change('callers', required, 'request-body-added', `${label} added (${detail})`)];
  }
  const was = before.required === true;
  const changes = diffRequired(label, 'request-body', was, after.required === true);
  const site = {
    ...docs,
    audience: 'callers' as const,
    where: label,
    subject: label,
    changes,
    ancestors: [],
  };
  diffContent(site, before.content, after.content);
  return changes;
}

/** Statuses added and removed, and the content of each one kept. */
function diffResponses(docs: Docs, before: Map<string, Json>, after: Map<string, Json>): Change[] {
  const changes: Change[] = [];
  const success = (map: Map<string, Json>) =>
    [...map.keys()].filter((s) => /^2(\d\d|XX)$/i.test(s));
  const [oldSuccess, newSuccess] = [success(before), success(after)];
  // When the success statuses move (200 -> 201), what a reader gets from any 2xx is what counts.
  const moved =
    !sameValue(oldSuccess, newSuccess) && oldSuccess.length > 0 && newSuccess.length > 0;
  if (moved) {
    const site = {
      ...docs,
      audience: 'readers' as const,
      where: 'response 2xx',
      subject: 'response 2xx body',
      changes,
      ancestors: [],
    };
    diffContent(site, mergedContent(before, oldSuccess), mergedContent(after, newSuccess));
  }
  for (const status of unique([...before.keys(), ...after.keys()])) {
    const oldResponse = before.get(status);
    const newResponse = after.get(status);
    const label = `response ${status}`;
    if (!oldResponse && newResponse) {
      // Not breaking (unknown statuses already reach the client's error path), but listed:
      // callers may now meet this error and want to handle it.
      const what = quotedDescription(newResponse);
      changes.push(change('readers', false, 'status-added', `${label} added${what}`));
    } else if (oldResponse && !newResponse) {
      // The client simply never sees it any more.
      changes.push(change('readers', false, 'status-removed', `${label} removed`));
    } else if (oldResponse && newResponse && !(moved && newSuccess.includes(status))) {
      const subject = `${label} body`;
      const site = {
        ...docs,
        audience: 'readers' as const,
        where: label,
        subject,
        changes,
        ancestors: [],
      };
      diffContent(site, oldResponse.content, newResponse.content);
    }
    if (oldResponse && newResponse) {
      changes.push(...diffHeaders(docs, label, oldResponse.headers, newResponse.headers));
    }
  }
  return changes;
}

/** A response's headers by lower-cased name (HTTP header names are case-insensitive). */
function headersOf(
  doc: OpenAPIDocument,
  headers: unknown,
): Map<string, { name: string; header: Json }> {
  const found = new Map<string, { name: string; header: Json }>();
  for (const [name, raw] of Object.entries(isPlainObject(headers) ? headers : {})) {
    // OpenAPI: a `Content-Type` entry in `headers` is ignored.
    if (name.toLowerCase() === 'content-type') continue;
    found.set(name.toLowerCase(), { name, header: resolve(doc, raw) });
  }
  return found;
}

/**
 * Response headers, for readers: a required one removed or made optional breaks code that reads
 * it; an optional one removed may (warning); one added is listed; a kept one's schema is
 * compared like a response property's.
 */
function diffHeaders(docs: Docs, label: string, before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  const [was, is] = [headersOf(docs.oldDoc, before), headersOf(docs.newDoc, after)];
  for (const key of unique([...was.keys(), ...is.keys()])) {
    const old = was.get(key);
    const now = is.get(key);
    const name = `${label}: header "${(now ?? old)!.name}"`;
    const required = (entry: { header: Json } | undefined) => entry?.header.required === true;
    if (!now) {
      const level = required(old) ? 'breaking' : 'warning';
      const text = `${name} removed (${required(old) ? 'required' : 'optional'})`;
      changes.push(change('readers', level, 'response-header-removed', text));
    } else if (!old) {
      const text = `${name} added (${required(now) ? 'required' : 'optional'})`;
      changes.push(change('readers', false, 'response-header-added', text));
    } else {
      if (required(old) !== required(now)) {
        const kind = required(now) ? 'became-required' : 'became-optional';
        const text = `${name} became ${required(now) ? 'required' : 'optional'}`;
        changes.push(change('readers', !required(now), `response-header-${kind}`, text));
      }
      const site = {
        ...docs,
        audience: 'readers' as const,
        where: name,
        subject: name,
        changes,
        ancestors: [],
      };
      compareSchemas(site, '', parameterSchema(old.header), parameterSchema(now.header));
    }
  }
  return changes;
}

/** The content of several responses as one: per media type, the `anyOf` of their schemas. */
function mergedContent(responses: Map<string, Json>, statuses: string[]): Json {
  const schemas = new Map<string, unknown[]>();
  for (const status of statuses) {
    const content = responses.get(status)?.content;
    for (const [mediaType, media] of Object.entries(isPlainObject(content) ? content : {})) {
      schemas.set(mediaType, [...(schemas.get(mediaType) ?? []), schemaOf(media)]);
    }
  }
  return Object.fromEntries(
    [...schemas].map(([mediaType, list]) => [
      mediaType,
      { schema: list.length === 1 ? list[0] : { anyOf: list } },
    ]),
  );
}

function quotedDescription(response: Json): string {
  return typeof response.description === 'string' && response.description !== ''
    ? ` (${JSON.stringify(response.description)})`
    : '';
}

/** Compares the media types of a request or response body, and the schema of each. */
function diffContent(site: SchemaSite, before: unknown, after: unknown): void {
  const [oldContent, newContent] = matchMediaTypes(
    isPlainObject(before) ? before : {},
    isPlainObject(after) ? after : {},
  );
  for (const mediaType of unique([...Object.keys(oldContent), ...Object.keys(newContent)])) {
    const oldMedia = oldContent[mediaType];
    const newMedia = newContent[mediaType];
    const label = `${site.where}: media type "${mediaType}"`;
    if (oldMedia === undefined) {
      // A new format is negotiated (Accept), so neither side meets it unless it asks.
      site.changes.push(change(site.audience, false, 'media-type-added', `${label} added`));
    } else if (newMedia === undefined) {
      // Callers can no longer send it; readers no longer get the body they parse.
      site.changes.push(change(site.audience, true, 'media-type-removed', `${label} removed`));
    } else {
      const suffix = mediaType === 'application/json' ? '' : ` (${mediaType})`;
      const inner = { ...site, where: site.where + suffix, subject: site.subject + suffix };
      compareSchemas(inner, '', schemaOf(oldMedia), schemaOf(newMedia));
    }
  }
}

/**
 * Media types that parse the same way are the same for the client: parameters (`;q=1`,
 * `;charset=utf-8`) are dropped, and every `+json` type reads as `application/json` when it is
 * the only JSON type on its side. So `application/json` -> `application/problem+json` with the
 * same schema is no change.
 */
function matchMediaTypes(before: Json, after: Json): [Json, Json] {
  const normalise = (content: Json): Json => {
    const entries = Object.entries(content).map(
      ([type, media]) => [type.split(';')[0]!.trim().toLowerCase(), media] as const,
    );
    const json = entries.filter(
      ([type]) => type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type),
    );
    return Object.fromEntries(
      entries.map(([type, media]) => [
        json.length === 1 && json[0]![0] === type ? 'application/json' : type,
        media,
      ]),
    );
  };
  return [normalise(before), normalise(after)];
}

/** The schema of a media type object. */
function schemaOf(media: unknown): unknown {
  return isPlainObject(media) ? media.schema : undefined;
}

/** Follows `$ref`s; anything that is not an object reads as an empty one. */
function resolve(doc: OpenAPIDocument, value: unknown): Json {
  const resolved = deref<unknown>(doc, value as Json);
  return isPlainObject(resolved) ? resolved : {};
}
