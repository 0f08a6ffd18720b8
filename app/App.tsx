import { useEffect } from 'react';
import { Header } from './components/Header.tsx';
import { LessonPanel } from './components/LessonPanel.tsx';
import { ExercisePanel } from './exercise/ExercisePanel.tsx';
import { ProcessTreePanel } from './components/ProcessTreePanel.tsx';
import { TerminalPanel } from './components/TerminalPanel.tsx';
import { startClock } from './state/labStore.ts';
import { useUiStore, watchSystemTheme } from './state/uiStore.ts';

export function App() {
  const panel = useUiStore((s) => s.panel);
  useEffect(() => watchSystemTheme(), []);
  // Virtual time follows the wall clock while the page is open.
  useEffect(() => startClock(), []);

  return (
    <div className="app">
      <Header />
      <main className="lab" id="main">
        {panel === 'exercises' ? <ExercisePanel /> : <LessonPanel />}
        <ProcessTreePanel />
        <TerminalPanel />
      </main>
    </div>
  );
}
