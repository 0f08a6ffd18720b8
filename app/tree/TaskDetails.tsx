import { useMemo } from 'react';
import { describePid } from '../../src/kernel-sim/index.ts';
import type { TaskId } from '../../src/kernel-sim/index.ts';
import { useLabStore } from '../state/labStore.ts';
import { endOf, eventWords, formatTime, recentEvents, taskDetails } from './details.ts';
import type { TreeModel } from './model.ts';

interface Props {
  readonly task: TaskId;
  readonly model: TreeModel;
  readonly onClose: () => void;
  readonly onSelect: (task: TaskId) => void;
}

/**
 * A group or session ID at each level (NSpgid, NSsid): "3 in the host, 0 in pidns:2", where 0
 * means its leader is outside that namespace.
 */
function levels(
  ids: readonly number[],
  pids: readonly { readonly ns: string; readonly level: number }[],
): string {
  if (ids.length <= 1) {
    const id = ids[0];
    return id === undefined ? '?' : id === 0 ? '0 (its leader is outside this view)' : String(id);
  }
  return ids
    .map((id, i) => {
      const where = pids[i]?.level === 0 ? 'the host' : (pids[i]?.ns ?? '?');
      return id === 0 ? `0 in ${where} (leader outside)` : `${id} in ${where}`;
    })
    .join(', ');
}

function SignalList({ names }: { readonly names: readonly string[] }) {
  if (names.length === 0) return <span className="ptree-details__none">none</span>;
  return (
    <span className="ptree-details__sigs">
      {names.map((n) => (
        <code key={n}>{n}</code>
      ))}
    </span>
  );
}

/**
 * The selected process in detail, read from /proc as the viewpoint shows it: its PIDs at every
 * level, parent, group, session, state, signal dispositions in names, and what recently happened
 * to it in plain words.
 */
export function TaskDetailsPanel({ task, model, onClose, onSelect }: Props) {
  const machine = useLabStore((s) => s.machine);
  const version = useLabStore((s) => s.version);
  const kernel = machine.kernel;
  const viewNs = model.view.ns;
  const info = useMemo(() => {
    const details = taskDetails(kernel, task, viewNs);
    const events = recentEvents(kernel.trace, task).map((e) => ({
      seq: e.seq,
      t: e.t,
      ...eventWords(kernel, e, viewNs),
    }));
    const end = details === undefined ? endOf(kernel.trace, task) : undefined;
    return { details, events, end };
  }, [kernel, task, viewNs, version]); // eslint-disable-line react-hooks/exhaustive-deps

  const group = useMemo(() => {
    const key = model.keyOf(task);
    const n = key === undefined ? undefined : model.byKey.get(key);
    return n?.kind === 'group' ? n : undefined;
  }, [model, task]);

  const { details, events, end } = info;
  const title = details
    ? `PID ${details.pids[0]?.pid ?? '?'} ${details.comm}`
    : end?.type === 'reap'
      ? `${describePid(end.task)}: reaped`
      : 'Process gone';

  return (
    <aside className="ptree-details" aria-labelledby="ptree-details-title">
      <div className="ptree-details__head">
        <h3 id="ptree-details-title">{title}</h3>
        <button
          type="button"
          className="ptree-details__close"
          onClick={onClose}
          aria-label="Close details"
        >
          ×
        </button>
      </div>
      {group ? (
        <p className="ptree-details__group">
          One of {group.count.toLocaleString('en-US')} {group.state} children of PID{' '}
          {group.parentPid} (PIDs {group.minPid}–{group.maxPid}), drawn as one node.
        </p>
      ) : null}
      {details ? (
        <dl className="ptree-details__facts">
          <dt>Command</dt>
          <dd>
            <code>
              {details.state === 'zombie' ? `[${details.comm}] <defunct>` : details.argv.join(' ')}
            </code>
          </dd>
          <dt>State</dt>
          <dd className={`ptree-details__state is-${details.state}`}>{details.state}</dd>
          <dt>PIDs</dt>
          <dd>
            <ul className="ptree-details__pids">
              {details.pids.map((p) => (
                <li key={p.level}>
                  PID <strong>{p.pid}</strong> in {p.level === 0 ? 'the host' : p.ns} (level{' '}
                  {p.level})
                </li>
              ))}
            </ul>
          </dd>
          <dt>Parent</dt>
          <dd>
            {details.ppid === 0 ? (
              'PPID 0 (its parent is outside this view)'
            ) : (
              <button
                type="button"
                className="ptree-details__link"
                onClick={() => {
                  const t = kernel.view(viewNs).get(details.ppid)?.task;
                  if (t !== undefined) onSelect(t);
                }}
              >
                PID {details.ppid} {details.parentComm ?? ''}
              </button>
            )}
          </dd>
          <dt>Process group</dt>
          <dd>{levels(details.pgids, details.pids)}</dd>
          <dt>Session</dt>
          <dd>
            {levels(details.sids, details.pids)}{' '}
            {details.tty !== '?' ? `(terminal ${details.tty})` : '(no terminal)'}
          </dd>
          {details.threads > 1 ? (
            <>
              <dt>Threads</dt>
              <dd>{details.threads}</dd>
            </>
          ) : null}
          <dt>
            Handled <small>(SigCgt)</small>
          </dt>
          <dd>
            <SignalList names={details.caught} />
          </dd>
          <dt>
            Ignored <small>(SigIgn)</small>
          </dt>
          <dd>
            <SignalList names={details.ignored} />
          </dd>
          <dt>
            Blocked <small>(SigBlk)</small>
          </dt>
          <dd>
            <SignalList names={details.blocked} />
          </dd>
        </dl>
      ) : (
        <p className="ptree-details__gone">
          {end?.type === 'reap'
            ? `It exited and was reaped at ${formatTime(end.t)}; its PID is free again.`
            : 'It no longer exists, or cannot be seen from this viewpoint.'}
        </p>
      )}
      <h4>Recent events</h4>
      {events.length === 0 ? (
        <p className="ptree-details__none">None in the recent trace.</p>
      ) : (
        <ol className="ptree-details__events">
          {events.map((e) => (
            <li key={e.seq}>
              <span className="ptree-details__time">{formatTime(e.t)}</span> {e.summary}{' '}
              <span className="ptree-details__why" title={e.source}>
                Why: {e.why}.
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
