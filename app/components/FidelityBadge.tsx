import checked from '../../fidelity/checked.json';
import { badgeVerdict, parseRecord } from '../../fidelity/record.ts';
import type { FidelityRecord } from '../../fidelity/record.ts';

/** The last real-kernel run (`npm run fidelity -- --record`), checked when the page loads. */
const RECORD: FidelityRecord = parseRecord(checked);

export interface FidelityBadgeProps {
  /** Ids of the fidelity cases behind a lesson, e.g. `01-pid-namespaces:3` (fidelity/record.ts). */
  readonly cases: readonly string[];
  /** The record to judge by; the committed fidelity/checked.json unless given (tests). */
  readonly record?: FidelityRecord;
}

const RESULT_TEXT = {
  pass: 'passed',
  fail: 'differs from Linux',
  known: 'known difference',
  'not checked': 'not checked yet',
} as const;

/**
 * "Checked against Linux 6.18 (bash 5.2, …)" for a lesson whose fidelity cases all passed on the
 * real kernel in the last recorded run; otherwise what is missing or failing, never a claim the
 * record does not support. Opening it lists the cases and the exact versions and date.
 */
export function FidelityBadge({ cases, record = RECORD }: FidelityBadgeProps) {
  const v = badgeVerdict(record, cases);
  if (v.status === 'none') return null;
  return (
    <details className={`fidelity-badge fidelity-badge--${v.status}`} data-status={v.status}>
      <summary className="fidelity-badge__summary" title={v.versions}>
        <span aria-hidden="true" className="fidelity-badge__mark">
          {v.status === 'checked' ? '✓' : v.status === 'failing' ? '✗' : '?'}
        </span>{' '}
        {v.label}
      </summary>
      <div className="fidelity-badge__details">
        <p>
          The same shell lines were run on a real Linux kernel and in the lab, and their screens
          compared: {v.versions}.
        </p>
        <ul className="fidelity-badge__cases">
          {v.cases.map((c) => (
            <li key={c.id}>
              <code>{c.id}</code> — {RESULT_TEXT[c.result]}
              {c.line !== undefined && (
                <>
                  : <code className="fidelity-badge__line">{c.line}</code>
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
