import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { explainEvent } from '../../src/kernel-sim/index.ts';
import type { Explanation, NsId, TraceEvent } from '../../src/kernel-sim/index.ts';
import type { LabMachine } from '../../src/lab/machine.ts';
import type { Viewpoint } from '../state/uiStore.ts';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { DEFAULT_KINDS, EVENT_KINDS, EventFilter, formatTime, tasksOf } from './events.ts';
import type { EventKind } from './events.ts';

/** Namespace chains seen per machine: an event may name a namespace that is gone by now. */
const chains = new WeakMap<LabMachine, Map<NsId, readonly NsId[]>>();

/**
 * An event explained with PIDs as the chosen viewpoint numbers them (the host shows both host
 * and inner PIDs). A namespace that ended before the log saw it cannot be placed: that event is
 * told from the host's view.
 */
function explainFrom(machine: LabMachine, viewpoint: Viewpoint, e: TraceEvent): Explanation {
  if (viewpoint.kind === 'host') return explainEvent(e);
  let known = chains.get(machine);
  if (known === undefined) {
    known = new Map();
    chains.set(machine, known);
  }
  const k = machine.kernel;
  for (const ns of k.namespaceIds()) if (!known.has(ns)) known.set(ns, k.namespaceInfo(ns).chain);
  const map = known;
  const chainOf = (ns: NsId): readonly NsId[] => {
    const chain = map.get(ns);
    if (chain === undefined) throw new RangeError(`namespace ${ns} is gone`);
    return chain;
  };
  try {
    return explainEvent(e, { view: viewpoint.ns as NsId, chainOf });
  } catch {
    return explainEvent(e);
  }
}

/** Every row has this height, so only the rows in view are drawn (30,000 events stay fast). */
export const ROW_HEIGHT = 62;
const OVERSCAN = 6;

/**
 * The trace in plain words: each event with its virtual time and why it happened (the rule and
 * where it lives in Linux). Choosing an event highlights the processes it involves. A listbox:
 * arrow keys, Page Up/Down, Home and End move through it.
 */
export function EventLog() {
  const machine = useLabStore((s) => s.machine);
  useLabStore((s) => s.version); // redraw as the trace grows
  const highlight = useUiStore((s) => s.highlightTasks);
  const highlighted = useUiStore((s) => s.highlightedTasks);
  const viewpoint = useUiStore((s) => s.viewpoint);
  const [kinds, setKinds] = useState<ReadonlySet<EventKind>>(DEFAULT_KINDS);
  const [chosen, setSelected] = useState<number | null>(null); // a trace index
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const [follow, setFollow] = useState(true);
  const listRef = useRef<HTMLDivElement>(null);
  const filter = useMemo(() => new EventFilter(), []);

  const trace = machine.kernel.trace;
  const rows = filter.update(trace, kinds);
  const count = rows.length;

  // After a step back the chosen event may not have happened yet.
  const selected = chosen !== null && chosen < trace.length ? chosen : null;

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Stay at the newest event while the reader is there.
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el !== null && follow) el.scrollTop = el.scrollHeight;
  }, [count, follow, machine]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const selectedRow = selected === null ? -1 : rows.indexOf(selected);

  const choose = (index: number | null): void => {
    setSelected(index);
    const e = index === null ? undefined : trace[index];
    highlight(e === undefined ? [] : tasksOf(e));
  };

  const moveTo = (row: number): void => {
    const r = Math.max(0, Math.min(count - 1, row));
    const index = rows[r];
    if (index === undefined) return;
    choose(index);
    const el = listRef.current;
    if (el === null) return;
    const top = r * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    setFollow(r === count - 1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const at = selectedRow < 0 ? count : selectedRow;
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: count - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      moveTo(target);
    } else if (e.key === 'Escape' && selected !== null) {
      e.preventDefault();
      choose(null);
    }
  };

  const toggle = (kind: EventKind): void => {
    const next = new Set(kinds);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    setKinds(next);
  };

  const selectedEvent = selected === null ? undefined : trace[selected];
  const detail =
    selectedEvent === undefined ? null : explainFrom(machine, viewpoint, selectedEvent);
  const optionId = (index: number): string => `event-${index}`;

  return (
    <div className="event-log" data-highlighted={highlighted.join(' ')}>
      <details className="event-log__filter">
        <summary>
          Show: {EVENT_KINDS.filter((k) => kinds.has(k.id)).length} of {EVENT_KINDS.length} kinds of
          event
        </summary>
        <fieldset className="event-log__filters">
          <legend className="visually-hidden">Show events of these kinds</legend>
          {EVENT_KINDS.map((k) => (
            <label key={k.id} className="chip">
              <input type="checkbox" checked={kinds.has(k.id)} onChange={() => toggle(k.id)} />
              {k.label} <span className="chip__count">{filter.count(k.id)}</span>
            </label>
          ))}
        </fieldset>
      </details>
      <div
        ref={listRef}
        className="event-log__list"
        role="listbox"
        tabIndex={0}
        aria-label={`Events, ${count} shown`}
        title="Choose an event to highlight its processes and read the rule behind it"
        aria-activedescendant={
          selected === null || selectedRow < 0 ? undefined : optionId(selected)
        }
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScrollTop(el.scrollTop);
          setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2);
        }}
      >
        {count === 0 ? (
          <p className="event-log__empty">No events of the chosen kinds yet.</p>
        ) : (
          <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>
            {rows.slice(first, last).map((index, i) => {
              const e = trace[index];
              if (e === undefined) return null;
              const { summary, rule } = explainFrom(machine, viewpoint, e);
              return (
                <div
                  key={index}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === selected}
                  className="event"
                  style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}
                  onClick={() => {
                    choose(index === selected ? null : index);
                    listRef.current?.focus();
                  }}
                >
                  <span className="event__time">{formatTime(e.t)}</span>
                  <span className="event__summary">{summary}</span>
                  <span className="event__why">
                    Why: {rule.title} <span className="event__source">({rule.source})</span>
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      <div className="event-log__detail" aria-live="polite">
        {detail === null || selectedEvent === undefined ? null : (
          <>
            <p className="event-log__detail-title">
              {formatTime(selectedEvent.t)} · {detail.rule.title}
            </p>
            <p>{detail.rule.text}</p>
            <p className="event__source">Source: {detail.rule.source}</p>
          </>
        )}
      </div>
    </div>
  );
}
