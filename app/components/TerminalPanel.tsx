import { TerminalPane } from '../terminal/TerminalPane.tsx';
import { Panel } from './Panel.tsx';

export function TerminalPanel() {
  return (
    <Panel id="terminal" title="Terminal">
      <TerminalPane />
    </Panel>
  );
}
