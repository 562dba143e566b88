/**
 * Compares two OpenAPI 3.x documents operation by operation: parameters, request body and
 * responses; the schemas inside go to diff-schemas.ts.
 */
import { change, type Change, type SpecDiffReport } from './diff-model.js';
import { compareSchemas, type Docs, type SchemaSite } from './diff-schemas.js';
import { asArray, isPlainObject, unique, type Json } from './json.js';
import { deref, HTTP_METHODS, type OpenAPIDocument } from './openapi.js';

interface Operation {
  parameters: Map<string, Json>;
  requestBody?: Json;
  responses: Map<string, Json>;
}

/** Compares two documents operation by operation. */
export function diffSpecs(oldDoc: OpenAPIDocument, newDoc: OpenAPIDocument): SpecDiffReport {
  const before = listOperations(oldDoc);
  const after = listOperations(newDoc);
  const keys = unique([...before.keys(), ...after.keys()]);
  const operations = keys
    .map((key) => ({
      key,
      changes: diffOperation(oldDoc, newDoc, before.get(key), after.get(key)),
    }))
    .filter((operation) => operation.changes.length > 0);
  const breaking = operations.some((operation) => operation.changes.some((c) => c.breaking));
  return { breaking, operations };
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
): Change[] {
  if (!before) return [change('callers', false, 'operation-added', 'operation added')];
  if (!after) return [change('callers', true, 'operation-removed', 'operation removed')];
  const docs = { oldDoc, newDoc };
  return [
    ...diffParameters(docs, before.parameters, after.parameters),
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
    } else if (oldResponse && newResponse) {
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
  }
  return changes;
}

function quotedDescription(response: Json): string {
  return typeof response.description === 'string' && response.description !== ''
    ? ` (${JSON.stringify(response.description)})`
    : '';
}

/** Compares the media types of a request or response body, and the schema of each. */
function diffContent(site: SchemaSite, before: unknown, after: unknown): void {
  const oldContent = isPlainObject(before) ? before : {};
  const newContent = isPlainObject(after) ? after : {};
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

/** The schema of a media type object. */
function schemaOf(media: unknown): unknown {
  return isPlainObject(media) ? media.schema : undefined;
}

/** Follows `$ref`s; anything that is not an object reads as an empty one. */
function resolve(doc: OpenAPIDocument, value: unknown): Json {
  const resolved = deref<unknown>(doc, value as Json);
  return isPlainObject(resolved) ? resolved : {};
}
