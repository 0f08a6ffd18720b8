import { lazy, Suspense } from 'react';
import { Panel } from './Panel.tsx';

// The tree (and d3) load in their own chunk, right after the page: the terminal does not wait
// for them, and the first load stays within its JavaScript budget (issue #7, "Performance").
const ProcessTree = lazy(() =>
  import('../tree/ProcessTree.tsx').then((m) => ({ default: m.ProcessTree })),
);

export function ProcessTreePanel() {
  return (
    <Panel id="tree" title="Process tree">
      <Suspense fallback={<p className="empty-state__hint">Loading the process tree…</p>}>
        <ProcessTree />
      </Suspense>
    </Panel>
  );
}
