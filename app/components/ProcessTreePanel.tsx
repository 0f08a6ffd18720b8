import { Panel } from './Panel.tsx';

export function ProcessTreePanel() {
  return (
    <Panel id="tree" title="Process tree">
      <div className="empty-state">
        <p className="empty-state__title">The process tree appears here when a lesson starts.</p>
        <p className="empty-state__hint">
          Each process will be a box, with lines from parents to children and PID&nbsp;1 at the top.
        </p>
      </div>
    </Panel>
  );
}
