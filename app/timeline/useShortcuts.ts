import { useEffect } from 'react';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { demoForget, demoNext, demoPrevious } from './demo.ts';
import { shortcutFor } from './shortcuts.ts';
import type { FocusPlace, ShortcutId } from './shortcuts.ts';
import { nextViewpoint } from './viewpoint.ts';

function placeOf(target: EventTarget | null): FocusPlace {
  // Element, not HTMLElement: the process tree's items are SVG elements.
  if (!(target instanceof Element)) return 'page';
  if (target.closest('.xterm') !== null) return 'terminal';
  if (
    target.closest(
      'input, select, textarea, [contenteditable="true"], [role="listbox"], [role="tree"], dialog, [role="slider"]',
    ) !== null
  )
    return 'control';
  return 'page';
}

/** Moves the focus between the terminal and the timeline's play button. */
function switchFocus(from: FocusPlace): void {
  if (from === 'terminal') {
    document.querySelector<HTMLElement>('.transport .tbtn--main')?.focus();
    return;
  }
  document
    .querySelector<HTMLElement>('.terminal-slot:not([hidden]) .xterm-helper-textarea')
    ?.focus();
}

function run(id: ShortcutId, from: FocusPlace, toggleHelp: () => void, helpOpen: boolean): void {
  const lab = useLabStore.getState();
  const ui = useUiStore.getState();
  switch (id) {
    case 'help':
      toggleHelp();
      break;
    case 'play':
      lab.setPlaying(!lab.playing);
      break;
    case 'back':
      lab.stepBack();
      break;
    case 'forward':
      lab.stepForward();
      break;
    case 'start':
      lab.toStart();
      break;
    case 'end':
      lab.toEnd();
      break;
    case 'next':
      demoNext();
      break;
    case 'previous':
      demoPrevious();
      break;
    case 'reset':
      demoForget();
      lab.reset();
      break;
    case 'viewpoint':
      ui.setViewpoint(nextViewpoint(lab.machine, ui.viewpoint));
      break;
    case 'stage':
      ui.setStage(!ui.stage);
      break;
    case 'escape':
      if (helpOpen) toggleHelp();
      else if (ui.stage) ui.setStage(false);
      break;
    case 'switch-focus':
      switchFocus(from);
      break;
  }
}

/** The page-wide keyboard shortcuts (see shortcuts.ts); `?` toggles the help. */
export function useShortcuts(toggleHelp: () => void, helpOpen: boolean): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.isComposing) return;
      const from = placeOf(e.target);
      const stage = useUiStore.getState().stage;
      const id = shortcutFor(e, from, stage);
      // The help dialog closes itself on Escape; other keys are not for the page behind it.
      if (id === null || (helpOpen && id !== 'help')) return;
      // Escape with nothing to close stays with the control (the event list clears its choice).
      if (id === 'escape' && !helpOpen && !stage) return;
      e.preventDefault();
      e.stopPropagation();
      run(id, from, toggleHelp, helpOpen);
    };
    // Capture: before xterm.js sees Page Down in stage mode, or F6.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [toggleHelp, helpOpen]);
}
