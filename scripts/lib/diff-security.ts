/**
 * Auth, operation by operation: the `security` that applies (the operation's own, else the
 * document's) as alternatives, each a set of schemes that must all be sent. Schemes are compared
 * by what they are (HTTP bearer, an API key in a named header...), not by their names in
 * `components.securitySchemes`, so a renamed scheme is no change and a scheme redefined under
 * the same name is one.
 *
 * A client sends one of the old alternatives. It breaks when no new alternative asks for no more
 * than that (bearer -> API key, none -> bearer, a second scheme required with the first);
 * auth dropped, or a new way to authenticate offered, breaks nobody.
 */
import { change, type Change } from './diff-model.js';
import { isPlainObject, type Json } from './json.js';
import { deref, type OpenAPIDocument } from './openapi.js';

/** One alternative: scheme (as described by {@link describeScheme}) -> the scopes it needs. */
type Alternative = Map<string, string[]>;

/**
 * The alternatives that apply to an operation: its own `security`, else the document's; no
 * `security` at all, or an empty one, is one alternative that needs nothing.
 */
export function effectiveSecurity(doc: OpenAPIDocument, operation: Json): Alternative[] {
  const written = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray((doc as Json).security)
      ? ((doc as Json).security as unknown[])
      : [];
  if (written.length === 0) return [new Map()];
  return written.map(
    (requirement) =>
      new Map(
        Object.entries(isPlainObject(requirement) ? requirement : {}).map(([name, scopes]) => [
          describeScheme(doc, name),
          Array.isArray(scopes) ? scopes.map(String).sort() : [],
        ]),
      ),
  );
}

/** What a named scheme asks a client to send, in words; the name only when it is not defined. */
function describeScheme(doc: OpenAPIDocument, name: string): string {
  const components = isPlainObject((doc as Json).components) ? (doc as Json).components : {};
  const schemes = isPlainObject((components as Json).securitySchemes)
    ? ((components as Json).securitySchemes as Json)
    : {};
  const raw = schemes[name];
  const scheme = raw === undefined ? undefined : deref<unknown>(doc, raw as Json);
  if (!isPlainObject(scheme)) return `undefined scheme "${name}"`;
  switch (scheme.type) {
    case 'http':
      return `HTTP ${String(scheme.scheme ?? '').toLowerCase()}`;
    case 'apiKey': {
      const key = String(scheme.name);
      return `API key in ${String(scheme.in)} "${scheme.in === 'header' ? key.toLowerCase() : key}"`;
    }
    case 'openIdConnect':
      return `OpenID Connect (${String(scheme.openIdConnectUrl)})`;
    default:
      return String(scheme.type);
  }
}

/** `HTTP bearer + API key in header "x-key"`, scopes in brackets; `no authentication`. */
function show(alternative: Alternative): string {
  if (alternative.size === 0) return 'no authentication';
  return [...alternative]
    .map(([scheme, scopes]) => (scopes.length > 0 ? `${scheme} [${scopes.join(', ')}]` : scheme))
    .sort()
    .join(' + ');
}

/** True when a client that sends `sent` satisfies `needed`: every scheme, with every scope. */
function satisfies(sent: Alternative, needed: Alternative): boolean {
  return [...needed].every(([scheme, scopes]) => {
    const given = sent.get(scheme);
    return given !== undefined && scopes.every((scope) => given.includes(scope));
  });
}

/** Security alternatives added and removed; see the file's comment for what breaks. */
export function diffSecurity(before: Alternative[], after: Alternative[]): Change[] {
  const keys = (list: Alternative[]) => new Set(list.map(show));
  const [was, is] = [keys(before), keys(after)];
  const open = (keys: Set<string>) => keys.has(show(new Map()));
  if (open(was) && !open(is)) {
    // Every caller that sent nothing now has to authenticate.
    const now = after.map(show).join(' or ');
    return [change('callers', true, 'security-added', `authentication now required: ${now}`)];
  }
  if (!open(was) && open(is)) {
    return [change('callers', false, 'security-removed', 'authentication no longer required')];
  }
  const changes: Change[] = [];
  for (const old of before.filter((alternative) => !is.has(show(alternative)))) {
    const stillWorks = after.some((alternative) => satisfies(old, alternative));
    const text = `security requirement removed: ${show(old)}`;
    changes.push(change('callers', !stillWorks, 'security-requirement-removed', text));
  }
  for (const added of after.filter((alternative) => !was.has(show(alternative)))) {
    const text = `security requirement added: ${show(added)}`;
    changes.push(change('callers', false, 'security-requirement-added', text));
  }
  return changes;
}
