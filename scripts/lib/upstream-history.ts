/** The upstream document's real history as a fixture: a first version and a patch per later one. */
import { applyPatch, type Operation } from 'rfc6902';

/** One version of the upstream document, named by its commit in fishaudio/docs. */
export interface UpstreamVersion {
  /** The short commit hash. */
  commit: string;
  /** The commit's date, `YYYY-MM-DD`. */
  date: string;
  document: unknown;
}

/** The fixture's layout: see `scripts/upstream-history.ts`. */
export interface UpstreamHistory {
  source: string;
  base: UpstreamVersion;
  versions: Array<Omit<UpstreamVersion, 'document'> & { patch: Operation[] }>;
}

/** Every version in full, oldest first, by applying each patch to a copy of the one before. */
export function replayHistory(history: UpstreamHistory): UpstreamVersion[] {
  const versions = [history.base];
  for (const { commit, date, patch } of history.versions) {
    const document = structuredClone(versions.at(-1)!.document);
    const failed = applyPatch(document, patch).find((result) => result !== null);
    if (failed) throw new Error(`patch to ${commit} does not apply: ${failed.message}`);
    versions.push({ commit, date, document });
  }
  return versions;
}
