import type { ReactNode } from 'react';
import { parseInline, parseMarkdown } from '../../src/scenario/markdown.ts';
import type { Inline } from '../../src/scenario/markdown.ts';

/** Inline Markdown as React elements (text is always text: React escapes it). */
function inlines(list: readonly Inline[]): ReactNode[] {
  return list.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inlines(n.children)}
          </a>
        );
    }
  });
}

/** Lesson text: a small, safe Markdown renderer (no HTML strings anywhere). */
export function Markdown({ text, inline = false }: { text: string; inline?: boolean }) {
  if (inline) return <>{inlines(parseInline(text))}</>;
  return (
    <div className="md">
      {parseMarkdown(text).map((b, i) => {
        switch (b.t) {
          case 'heading': {
            // Lesson headings sit below the panel's h2.
            const level = Math.min(6, b.level + 2);
            const H = `h${level}` as 'h3' | 'h4' | 'h5' | 'h6';
            return <H key={i}>{inlines(b.children)}</H>;
          }
          case 'p':
            return <p key={i}>{inlines(b.children)}</p>;
          case 'ul':
            return (
              <ul key={i}>
                {b.items.map((it, j) => (
                  <li key={j}>{inlines(it)}</li>
                ))}
              </ul>
            );
          case 'ol':
            return (
              <ol key={i}>
                {b.items.map((it, j) => (
                  <li key={j}>{inlines(it)}</li>
                ))}
              </ol>
            );
          case 'pre':
            return (
              <pre key={i}>
                <code>{b.text}</code>
              </pre>
            );
        }
      })}
    </div>
  );
}
