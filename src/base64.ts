/** Base64 without Buffer, so it works in browsers, Deno and Bun as well as Node. */

/** Decodes base64 text into bytes. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
