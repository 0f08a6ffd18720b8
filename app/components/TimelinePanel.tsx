import { lazy, Suspense } from 'react';
import { Transport } from '../timeline/Transport.tsx';
import { Panel } from './Panel.tsx';

// The event log carries every rule's text (src/kernel-sim/rules.ts): loaded after the first
// paint, so the terminal is usable sooner and the first load stays small.
const EventLog = lazy(() =>
  import('../timeline/EventLog.tsx').then((m) => ({ default: m.EventLog })),
);

/** The transport controls over the event log. */
export function TimelinePanel() {
  return (
    <Panel id="timeline" title="Timeline">
      <Transport />
      <Suspense fallback={<p className="event-log__empty">Loading the event log…</p>}>
        <EventLog />
      </Suspense>
    </Panel>
  );
}
