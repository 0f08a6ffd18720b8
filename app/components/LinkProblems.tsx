import { useLinkStore } from '../state/urlSync.ts';

/** What was wrong with the link the page was opened with (the lab opened anyway). */
export function LinkProblems() {
  const problems = useLinkStore((s) => s.problems);
  const loading = useLinkStore((s) => s.loading);
  const dismiss = useLinkStore((s) => s.dismiss);
  if (loading)
    return (
      <p className="link-loading" role="status">
        Replaying the shared link…
      </p>
    );
  if (problems.length === 0) return null;
  return (
    <div className="link-problems" role="alert">
      <div>
        <p className="link-problems__title">This link could not be followed completely.</p>
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p className="link-problems__after">The lab opened with everything else.</p>
      </div>
      <button type="button" className="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
