import { useEffect } from 'react';
import { Header } from './components/Header.tsx';
import { LessonPanel } from './components/LessonPanel.tsx';
import { ProcessTreePanel } from './components/ProcessTreePanel.tsx';
import { TerminalPanel } from './components/TerminalPanel.tsx';
import { startClock } from './state/labStore.ts';
import { watchSystemTheme } from './state/uiStore.ts';

export function App() {
  useEffect(() => watchSystemTheme(), []);
  // Virtual time follows the wall clock while the page is open.
  useEffect(() => startClock(), []);

  return (
    <div className="app">
      <Header />
      <main className="lab" id="main">
        <LessonPanel />
        <ProcessTreePanel />
        <TerminalPanel />
      </main>
    </div>
  );
}
