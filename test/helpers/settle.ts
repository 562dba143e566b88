/** Settling what a test awaits, for the tests that assert how it ended. */

/** Settles `promise` and returns its error, failing the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Reads every chunk (kept as given, each also handed to `each`), then returns them with the
 * error the loop ended in, or `undefined`.
 */
export async function readAll(
  source: AsyncIterable<Uint8Array>,
  each?: (chunk: Uint8Array) => void,
): Promise<{ chunks: Uint8Array[]; error: Error | undefined }> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of source) {
      chunks.push(chunk);
      each?.(chunk);
    }
  } catch (error) {
    return { chunks, error: error as Error };
  }
  return { chunks, error: undefined };
}
