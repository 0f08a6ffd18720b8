import type { RealWorld as Recipe } from '../../src/scenario/types.ts';
import { CopyButton } from './CopyButton.tsx';
import { Markdown } from './Markdown.tsx';

const NEEDS: Record<Recipe['kind'], string> = {
  docker: 'a machine with Docker',
  kubectl: 'a Kubernetes cluster and kubectl',
  unshare: 'any Linux machine, as root (no Docker needed)',
};

/** "Run it for real": the files, the exact commands with copy buttons, what to expect. */
export function RealWorld({ recipe }: { recipe: Recipe }) {
  const files = Object.entries(recipe.files ?? {});
  return (
    <details className="real-world">
      <summary>Run it for real</summary>
      <p>You need {NEEDS[recipe.kind]}.</p>
      {files.map(([name, text]) => (
        <div key={name} className="real-world__file">
          <div className="real-world__head">
            <code>{name}</code> <CopyButton text={text} label={`Copy ${name}`} />
          </div>
          <pre>{text}</pre>
        </div>
      ))}
      <ol className="real-world__commands">
        {recipe.commands.map((c, i) => (
          <li key={i}>
            <pre>{c}</pre>
            <CopyButton text={c} />
          </li>
        ))}
      </ol>
      <h4>What you should see</h4>
      <Markdown text={recipe.expect} />
      {recipe.playgrounds && recipe.playgrounds.length > 0 && (
        <p>
          No Docker at hand? Try it in the browser:{' '}
          {recipe.playgrounds.map((p, i) => (
            <span key={p.url}>
              {i > 0 && ', '}
              <a href={p.url} target="_blank" rel="noopener noreferrer">
                {p.title}
              </a>
            </span>
          ))}
          .
        </p>
      )}
    </details>
  );
}
