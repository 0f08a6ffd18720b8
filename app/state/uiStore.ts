import { create } from 'zustand';

export type ThemeName = 'dark' | 'light';

export interface UiState {
  /** The colour theme in use; follows the system's prefers-color-scheme. */
  readonly theme: ThemeName;
  readonly setTheme: (theme: ThemeName) => void;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemTheme(): ThemeName {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return 'light';
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export const useUiStore = create<UiState>()((set) => ({
  theme: systemTheme(),
  setTheme: (theme) => set({ theme }),
}));

/** Keep the store's theme in sync with prefers-color-scheme. Returns a cleanup function. */
export function watchSystemTheme(): () => void {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  const update = (): void => useUiStore.getState().setTheme(query.matches ? 'dark' : 'light');
  update();
  query.addEventListener('change', update);
  return () => query.removeEventListener('change', update);
}
