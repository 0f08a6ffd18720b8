/**
 * The lessons bundled with the page: every `scenarios/NN-name/` folder, read at build time as
 * text and validated by the same loader as `pidlab validate` (a lesson that does not validate
 * is listed with its problems instead of crashing the page).
 */
import { loadScenario } from '../../src/scenario/load.ts';
import type { LoadResult } from '../../src/scenario/load.ts';

const files = import.meta.glob<string>('../../scenarios/*/*.{json,md}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export interface CatalogEntry {
  readonly folder: string;
  readonly result: LoadResult;
}

function build(): CatalogEntry[] {
  const byFolder = new Map<string, Record<string, string>>();
  for (const [path, text] of Object.entries(files)) {
    const m = /scenarios\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m || !/^\d\d-/.test(m[1]!)) continue;
    const folder = byFolder.get(m[1]!) ?? {};
    folder[m[2]!] = text;
    byFolder.set(m[1]!, folder);
  }
  return [...byFolder.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([folder, texts]) => ({
      folder,
      result: loadScenario({
        folder,
        read: (p) => (Object.hasOwn(texts, p) ? texts[p] : undefined),
      }),
    }));
}

export const CATALOG: readonly CatalogEntry[] = build();
