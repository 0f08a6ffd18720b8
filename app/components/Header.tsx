import { useUiStore } from '../state/uiStore.ts';
import { LabTools } from './LabTools.tsx';

export function Header({ onHelp }: { readonly onHelp: () => void }) {
  const theme = useUiStore((s) => s.theme);
  return (
    <header className="header">
      <div className="header__brand">
        <h1 className="header__title">PID 1 Lab</h1>
        <p className="header__subtitle">What really happens to processes inside a container</p>
      </div>
      <div className="header__tools">
        {/* The lesson picker goes here with the lessons issue. */}
        <LabTools onHelp={onHelp} />
        <p className="theme-indicator" data-theme={theme}>
          <span aria-hidden="true" className="theme-indicator__swatch" />
          {theme === 'dark' ? 'Dark' : 'Light'} theme (follows your system)
        </p>
      </div>
    </header>
  );
}
