/**
 * Loading a scenario folder: `scenario.json`, validated, plus the Markdown and the files it
 * names. The folder is reached through a read function, so the same loader serves `pidlab
 * validate` (the disk), the page (files bundled at build time, or picked by the user) and tests.
 */
import type { LoadedScenario, Problem } from './types.ts';
import { validateScenarioText } from './validate.ts';
import type { FolderAccess } from './validate.ts';

export const SCENARIO_FILE = 'scenario.json';

export interface LoadResult {
  readonly loaded?: LoadedScenario;
  readonly problems: readonly Problem[];
}

export function loadScenario(access: FolderAccess): LoadResult {
  const text = access.read(SCENARIO_FILE);
  if (text === undefined)
    return {
      problems: [
        {
          file: `${access.folder}/${SCENARIO_FILE}`,
          field: '',
          message: `missing: every scenario folder needs a ${SCENARIO_FILE} (see docs/authoring.md)`,
        },
      ],
    };
  const v = validateScenarioText(text, access);
  if (!v.scenario) return { problems: v.problems };
  const s = v.scenario;
  const files: Record<string, { content: string; mode: number }> = {};
  for (const [path, f] of Object.entries(s.world.files ?? {}))
    files[path] = {
      content: f.content ?? access.read(f.from ?? '') ?? '',
      mode: parseInt(f.mode ?? '0644', 8),
    };
  return {
    loaded: { scenario: s, lessonText: access.read(s.lesson) ?? '', files },
    problems: [],
  };
}

/** A folder held in memory: relative path → text. */
export function memoryFolder(
  folder: string,
  files: Readonly<Record<string, string>>,
): FolderAccess {
  return { folder, read: (path) => (Object.hasOwn(files, path) ? files[path] : undefined) };
}
