import { ProcessTree } from '../tree/ProcessTree.tsx';
import { Panel } from './Panel.tsx';

export function ProcessTreePanel() {
  return (
    <Panel id="tree" title="Process tree">
      <ProcessTree />
    </Panel>
  );
}
