/**
 * The layout rules a reader relies on: no import cycle among the library's files (type-only
 * imports aside, since they vanish at run time), `src/errors.ts` importing nothing of the
 * package, `src/http/` (the wire) knowing nothing of the client or the resource classes, and
 * `src/operations.ts` as the one door to `src/generated/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/project-copy.js';

const SRC = path.join(ROOT, 'src');

/** Every handwritten .ts file under src/, relative to it. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The package files `file` imports at run time (not `import type`), relative to src/. */
function runtimeImports(file: string): string[] {
  const code = readFileSync(path.join(SRC, file), 'utf8');
  const specifiers = [
    ...code.matchAll(/^import (?!type\b)[^;]*?from '(\.[^']+)';/gms),
    ...code.matchAll(/^export [^;]*?from '(\.[^']+)';/gms),
  ].map((m) => m[1]!);
  return specifiers.map((s) =>
    path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), s)).replace(/\.js$/, '.ts'),
  );
}

/** Every package file `file` imports, types included, relative to src/. */
function allImports(file: string): string[] {
  const code = readFileSync(path.join(SRC, file), 'utf8');
  return [...code.matchAll(/^(?:import|export) [^;]*?from '(\.[^']+)';/gms)].map((m) =>
    path
      .relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), m[1]!))
      .replace(/\.js$/, '.ts'),
  );
}

describe('the library layout', () => {
  it('has no import cycle among its files', () => {
    const graph = new Map(sources().map((file) => [file, runtimeImports(file)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps src/errors.ts free of imports from the package', () => {
    const code = readFileSync(path.join(SRC, 'errors.ts'), 'utf8');
    expect(code).not.toMatch(/^import .* from '\./m);
  });

  it('keeps src/http/ free of the client and the resource classes', () => {
    const wire = sources().filter((file) => file.startsWith(`http${path.sep}`));
    const reaching = wire.flatMap((file) =>
      allImports(file)
        .filter((target) => target === 'client.ts' || target.startsWith(`resources${path.sep}`))
        .map((target) => `${file} → ${target}`),
    );
    expect(wire.length).toBeGreaterThan(5);
    expect(reaching).toEqual([]);
  });

  it('reads src/generated/ only through src/operations.ts', () => {
    const readers = sources().filter((file) =>
      /from '[^']*generated\//.test(readFileSync(path.join(SRC, file), 'utf8')),
    );
    expect(readers).toEqual(['operations.ts']);
  });
});
