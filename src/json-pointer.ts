/** JSON Pointer (RFC 6901) segment escaping, shared by the library and the scripts. */

/** Escapes one segment: `~` → `~0`, `/` → `~1`. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Undoes {@link escapePointer}. */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
