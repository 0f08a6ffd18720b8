import { lazy, Suspense, useEffect, useState } from 'react';
import { Header } from './components/Header.tsx';
import { LinkProblems } from './components/LinkProblems.tsx';
import { Panel } from './components/Panel.tsx';
import { ProcessTreePanel } from './components/ProcessTreePanel.tsx';
import { TerminalPanel } from './components/TerminalPanel.tsx';
import { TimelinePanel } from './components/TimelinePanel.tsx';
import { StageBar } from './components/StageBar.tsx';
import { startClock } from './state/labStore.ts';
import { watchSystemTheme, useUiStore } from './state/uiStore.ts';
import { applyUrl, startUrlSync } from './state/urlSync.ts';
import { useShortcuts } from './timeline/useShortcuts.ts';

// The lessons (their texts, the scenario checks and the machines they start from, with the
// container runtimes) are a chunk of their own, fetched at once but after the first paint, so
// the terminal does not wait for them. Loaded in every mode: the stage demo types their steps.
const lessonPanelModule = import('./components/LessonPanel.tsx');
const LessonPanel = lazy(() => lessonPanelModule.then((m) => ({ default: m.LessonPanel })));
const ExercisePanel = lazy(() =>
  import('./exercise/ExercisePanel.tsx').then((m) => ({ default: m.ExercisePanel })),
);

const HelpOverlay = lazy(() =>
  import('./components/HelpOverlay.tsx').then((m) => ({ default: m.HelpOverlay })),
);

/**
 * The page's layout. Normal: lesson and timeline on the left, tree above the terminal on the
 * right. Stage (?stage=1): no header; tree and terminal fill the screen in large type, with a
 * slim bar for the lesson step, the transport and the way out. Embed (?embed=1): tree and terminal alone, for an iframe.
 */
export function App() {
  const stage = useUiStore((s) => s.stage);
  const embed = useUiStore((s) => s.embed);
  // The lesson panel's area shows the lesson or the exercises and tracks (issue #9).
  const panel = useUiStore((s) => s.panel);
  const [help, setHelp] = useState(false);

  useEffect(() => watchSystemTheme(), []);
  // Virtual time follows the wall clock while the page is open.
  useEffect(() => startClock(), []);
  // A shared link is applied once, then the address bar follows the lab.
  useEffect(() => {
    let stop = (): void => {};
    let cancelled = false;
    void applyUrl(window.location.search).then(() => {
      if (!cancelled) stop = startUrlSync();
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, []);
  useShortcuts(() => setHelp((h) => !h), help);

  const mode = embed ? 'embed' : stage ? 'stage' : 'normal';
  return (
    <div className={`app app--${mode}`}>
      {mode === 'normal' ? <Header onHelp={() => setHelp(true)} /> : null}
      <LinkProblems />
      <main className={`lab lab--${mode}`} id="main">
        {mode === 'normal' ? (
          <Suspense fallback={<LessonsLoading />}>
            {panel === 'exercises' ? <ExercisePanel /> : <LessonPanel />}
          </Suspense>
        ) : null}
        <ProcessTreePanel />
        <TerminalPanel />
        {mode === 'normal' ? <TimelinePanel /> : null}
        {mode === 'stage' ? <StageBar /> : null}
        {mode === 'embed' ? <EmbedFooter /> : null}
      </main>
      {help ? (
        <Suspense fallback={null}>
          <HelpOverlay onClose={() => setHelp(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}

function LessonsLoading() {
  return (
    <Panel id="lesson" title="Lesson">
      <p className="empty-state__hint">Loading the lessons…</p>
    </Panel>
  );
}

/** In an iframe: where the full lab is. */
function EmbedFooter() {
  const url = new URL(window.location.href);
  url.searchParams.delete('embed');
  return (
    <p className="embed-footer">
      <a href={url.toString()} target="_blank" rel="noreferrer">
        Open in PID 1 Lab ↗
      </a>
    </p>
  );
}
