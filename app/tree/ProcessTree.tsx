import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { explainEvent } from '../../src/kernel-sim/index.ts';
import type { NsId, TaskId } from '../../src/kernel-sim/index.ts';
import { useLabStore } from '../state/labStore.ts';
import { HOST_VIEW, useUiStore } from '../state/uiStore.ts';
import { buildFrame, isShownSignal } from './frame.ts';
import { treeOrder } from './labels.ts';
import { layoutTree } from './layout.ts';
import { buildTree, collapseTree } from './model.ts';
import type { TreeModel } from './model.ts';
import { STATE_ICON, TreeRenderer } from './renderer.ts';
import { TaskDetailsPanel } from './TaskDetails.tsx';
import './tree.css';

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(
    () => typeof window !== 'undefined' && window.matchMedia?.(REDUCED_MOTION).matches === true,
  );
  useEffect(() => {
    const q = window.matchMedia?.(REDUCED_MOTION);
    if (!q) return;
    const update = (): void => setReduced(q.matches);
    q.addEventListener('change', update);
    return () => q.removeEventListener('change', update);
  }, []);
  return reduced;
}

function useSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: el.clientWidth, height: el.clientHeight }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * Smallest zoom the tree is fitted to (below it the panel scrolls instead), and the largest; in
 * stage mode the tree is read from the back of a room, so it scrolls rather than shrinks.
 */
const ZOOM = { normal: { min: 0.8, max: 1 }, stage: { min: 1.2, max: 1.6 } } as const;

/**
 * The model's version, at most every `ms` milliseconds: while the machine is busy (a fork loop
 * touches the store 40 times a second) the tree is rebuilt a few times a second, not on every
 * tick, which with tens of thousands of processes would take the CPU away from the model itself.
 */
function useThrottled(version: number, ms: number): number {
  const [shown, setShown] = useState(version);
  const last = useRef(0);
  useEffect(() => {
    const wait = Math.max(0, last.current + ms - performance.now());
    const timer = window.setTimeout(() => {
      last.current = performance.now();
      setShown(version);
    }, wait);
    return () => window.clearTimeout(timer);
  }, [version, ms]);
  return shown;
}

/** How often the tree follows the model at most. */
const REDRAW_MS = 120;

interface Drawn {
  readonly machine: object;
  readonly model: TreeModel;
  readonly traceLength: number;
}

/** The namespaces one can look from: the host and every PID namespace that still has its init. */
function viewOptions(kernel: ReturnType<typeof useLabStore.getState>['machine']['kernel']) {
  const out: { ns: NsId; label: string }[] = [];
  for (const ns of kernel.namespaceIds()) {
    if (ns === kernel.rootNs) continue;
    const init = kernel.view(ns).get(1);
    if (init === undefined) continue;
    const info = kernel.namespaceInfo(ns);
    out.push({
      ns,
      label: `inside ${info.name} (PID 1 ${init.comm} = host PID ${kernel.pidOf(init.task)})`,
    });
  }
  return out;
}

/**
 * The process tree: every process as the chosen viewpoint sees it, PID namespaces as boxes,
 * movements played from the model's trace, a details panel for the selected process. Reads the
 * lab and UI stores; drops into any layout.
 */
export function ProcessTree() {
  const machine = useLabStore((s) => s.machine);
  const version = useThrottled(
    useLabStore((s) => s.version),
    REDRAW_MS,
  );
  const viewpoint = useUiStore((s) => s.viewpoint);
  const setViewpoint = useUiStore((s) => s.setViewpoint);
  const selectedTask = useUiStore((s) => s.selectedTask);
  const selectTask = useUiStore((s) => s.selectTask);
  const highlightedTasks = useUiStore((s) => s.highlightedTasks);
  const stage = useUiStore((s) => s.stage);
  const theme = useUiStore((s) => s.theme);
  const reducedMotion = useReducedMotion();
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');

  const requestedNs = viewpoint.kind === 'ns' ? (viewpoint.ns as NsId) : null;
  const kernel = machine.kernel;
  // `version` grows whenever the model may have changed: rebuild then (machine is re-read).
  const built = useMemo(() => buildTree(kernel, requestedNs), [kernel, requestedNs, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const model = useMemo(() => collapseTree(built, collapsed), [built, collapsed]);
  const toggle = useCallback((key: string) => {
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);
  const layout = useMemo(() => layoutTree(model), [model]);
  const options = useMemo(() => viewOptions(kernel), [kernel, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const nsName = useCallback((ns: NsId) => kernel.namespaceInfo(ns).name, [kernel]);

  const selectedKey = selectedTask === null ? null : (model.keyOf(selectedTask) ?? null);
  const highlighted = useMemo(() => {
    const keys = new Set<string>();
    for (const t of highlightedTasks) {
      const k = model.keyOf(t);
      if (k !== undefined) keys.add(k);
    }
    return keys;
  }, [highlightedTasks, model]);

  const [focusKey, setFocusKey] = useState<string | null>(null);
  const tabKey =
    focusKey !== null && model.byKey.has(focusKey)
      ? focusKey
      : (selectedKey ?? model.roots[0] ?? null);

  // The last dropped signal, in words, for screen readers (the tree shows it beside the target).
  const dropNote = useMemo(() => {
    const trace = kernel.trace;
    for (let i = trace.length - 1; i >= Math.max(0, trace.length - 2000); i--) {
      const e = trace[i]!;
      if (isShownSignal(e) && e.outcome === 'dropped') {
        const ex = explainEvent(e, {
          view: model.view.ns,
          chainOf: (ns) => kernel.namespaceInfo(ns).chain,
        });
        return `${ex.summary} Why: ${ex.rule.title}.`;
      }
    }
    return '';
  }, [kernel, model]);

  const svgRef = useRef<SVGSVGElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<TreeRenderer | null>(null);
  const drawnRef = useRef<Drawn | null>(null);
  const modelRef = useRef(model);
  useEffect(() => {
    modelRef.current = model;
  }, [model]);

  const activate = useCallback(
    (key: string) => {
      const n = modelRef.current.byKey.get(key);
      if (n === undefined) return;
      setFocusKey(key);
      selectTask(n.kind === 'process' ? n.task : (n.tasks[0] ?? null));
    },
    [selectTask],
  );

  useEffect(() => {
    const svg = svgRef.current;
    if (svg === null) return;
    const renderer = new TreeRenderer(svg, id, {
      activate,
      toggle,
      focused: (key) => setFocusKey(key),
    });
    rendererRef.current = renderer;
    drawnRef.current = null;
    return () => {
      renderer.destroy();
      rendererRef.current = null;
    };
  }, [id, activate, toggle]);

  useEffect(() => {
    const renderer = rendererRef.current;
    if (renderer === null) return;
    const drawn = drawnRef.current;
    const trace = kernel.trace;
    const continues =
      drawn !== null && drawn.machine === machine && drawn.model.view.ns === model.view.ns;
    const changed = continues && drawn.model !== model;
    const events = changed ? trace.slice(Math.max(drawn.traceLength, trace.length - 2000)) : [];
    renderer.update(
      buildFrame({
        prev: changed ? drawn.model : null,
        model,
        layout,
        events,
        alive: (t: TaskId) => kernel.hasTask(t),
        nsName,
        selectedKey,
        highlighted,
        tabKey,
        animate: continues && !reducedMotion,
      }),
    );
    drawnRef.current = { machine, model, traceLength: trace.length };
  }, [machine, kernel, model, layout, nsName, selectedKey, highlighted, tabKey, reducedMotion]);

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>): void => {
    const order = treeOrder(model);
    if (order.length === 0 || tabKey === null) return;
    const at = Math.max(0, order.indexOf(tabKey));
    const node = model.byKey.get(tabKey);
    let next: string | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = order[Math.min(order.length - 1, at + 1)];
        break;
      case 'ArrowUp':
        next = order[Math.max(0, at - 1)];
        break;
      case 'Home':
        next = order[0];
        break;
      case 'End':
        next = order[order.length - 1];
        break;
      case 'ArrowRight':
        // A collapsed node opens; an open one moves to its first child (WAI-ARIA tree pattern).
        if (model.collapsed.has(tabKey)) {
          event.preventDefault();
          toggle(tabKey);
          return;
        }
        next = model.children.get(tabKey)?.[0] ?? tabKey;
        break;
      case 'ArrowLeft':
        // An open node closes; a closed one or a leaf moves to its parent.
        if (model.children.has(tabKey)) {
          event.preventDefault();
          toggle(tabKey);
          return;
        }
        next = node?.parentKey ?? tabKey;
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        activate(tabKey);
        return;
      case 'Escape':
        selectTask(null);
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next !== undefined) {
      setFocusKey(next);
      rendererRef.current?.focus(next);
    }
  };

  const size = useSize(scrollRef);
  const { min: minZoom, max: maxZoom } = stage ? ZOOM.stage : ZOOM.normal;
  // Fit the whole tree in the panel when that keeps it readable; otherwise scroll.
  const zoom =
    layout.width === 0 || size.width === 0
      ? maxZoom
      : Math.min(
          maxZoom,
          Math.max(
            minZoom,
            Math.min((size.width - 8) / layout.width, (size.height - 8) / layout.height),
          ),
        );
  const viewName =
    model.view.level === 0 ? 'the host' : `inside ${kernel.namespaceInfo(model.view.ns).name}`;
  const selectValue = model.view.level === 0 ? 'host' : String(model.view.ns);

  return (
    <div className={`ptree${stage ? ' ptree--stage' : ''}`} data-theme={theme}>
      <div className="ptree__toolbar">
        <label className="ptree__viewpoint">
          <span>View from</span>
          <select
            value={selectValue}
            onChange={(e) => {
              const v = e.target.value;
              setViewpoint(v === 'host' ? HOST_VIEW : { kind: 'ns', ns: Number(v) });
            }}
          >
            <option value="host">the host</option>
            {options.map((o) => (
              <option key={o.ns} value={String(o.ns)}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <ul className="ptree__legend" aria-label="Process states">
          {(['running', 'sleeping', 'stopped', 'zombie'] as const).map((s) => (
            <li key={s} className={`ptree__legend-item is-${s}`}>
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
                <path d={STATE_ICON[s]} />
              </svg>
              {s}
            </li>
          ))}
        </ul>
        <p className="ptree__count">
          {model.processCount.toLocaleString('en-US')} process
          {model.processCount === 1 ? '' : 'es'}
        </p>
      </div>
      {model.view.fellBack ? (
        <p className="ptree__notice" role="status">
          The namespace you were looking from has no process left (its init exited); showing the
          host.
        </p>
      ) : null}
      <div className="ptree__main">
        <div className="ptree__scroll" ref={scrollRef}>
          <svg
            ref={svgRef}
            className="ptree__svg"
            role="tree"
            aria-label={`Processes seen from ${viewName}`}
            width={Math.ceil(layout.width * zoom)}
            height={Math.ceil(layout.height * zoom)}
            viewBox={`0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`}
            onKeyDown={onKeyDown}
          />
        </div>
        {selectedTask !== null ? (
          <TaskDetailsPanel
            task={selectedTask}
            model={model}
            onClose={() => selectTask(null)}
            onSelect={(t) => selectTask(t)}
          />
        ) : null}
      </div>
      <p className="ptree__live" aria-live="polite">
        {dropNote}
      </p>
    </div>
  );
}
