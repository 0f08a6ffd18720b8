/**
 * The tracks bundled with the page (`scenarios/tracks/*.json`), read at build time and
 * validated against the bundled lessons by the same parser as `pidlab grade --track`.
 */
import { parseTrack } from '../../src/grading/tracks.ts';
import type { Track } from '../../src/grading/tracks.ts';
import { bundledLessons } from '../lesson/lessonStore.ts';

const files = import.meta.glob<string>('../../scenarios/tracks/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export interface TrackCatalog {
  readonly tracks: readonly Track[];
  readonly problems: readonly string[];
}

function build(): TrackCatalog {
  const lessons = bundledLessons();
  const tracks: Track[] = [];
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const r = parseTrack(text, path.split('/').pop() ?? path, lessons);
    if (r.track) tracks.push(r.track);
    else problems.push(...r.problems);
  }
  const order = { onboarding: 0, workshop: 1, talk: 2 } as const;
  return { tracks: tracks.sort((a, b) => order[a.kind] - order[b.kind]), problems };
}

export const TRACKS: TrackCatalog = build();
