import type { ReactNode } from 'react';

interface PanelProps {
  /** Used for the heading id; also the panel's CSS grid area. */
  readonly id: string;
  readonly title: string;
  readonly className?: string;
  readonly children: ReactNode;
}

/** A labelled region of the lab: a <section> named by its visible heading. */
export function Panel({ id, title, className, children }: PanelProps) {
  const headingId = `${id}-heading`;
  return (
    <section
      className={`panel panel--${id}${className === undefined ? '' : ` ${className}`}`}
      aria-labelledby={headingId}
    >
      <h2 className="panel__title" id={headingId}>
        {title}
      </h2>
      <div className="panel__body">{children}</div>
    </section>
  );
}
