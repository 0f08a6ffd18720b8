/**
 * The page's keyboard shortcuts, as data: the help overlay lists them and the key handler looks
 * them up. Single keys act only when the focus is not where they mean something else (the
 * terminal, a text field, the slider, the event list); in the terminal only F6 (leave it) and,
 * in stage mode, Page Down/Page Up (what presentation clickers send) are taken.
 */

export type ShortcutId =
  | 'help'
  | 'play'
  | 'back'
  | 'forward'
  | 'start'
  | 'end'
  | 'next'
  | 'previous'
  | 'reset'
  | 'viewpoint'
  | 'stage'
  | 'escape'
  | 'switch-focus';

export interface Shortcut {
  readonly id: ShortcutId;
  /** As shown in the help. */
  readonly keys: readonly string[];
  readonly does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  {
    id: 'next',
    keys: ['N', 'Page Down'],
    does: 'Next: type the lesson step’s commands, then the next step (without a lesson: step forward)',
  },
  {
    id: 'previous',
    keys: ['P', 'Page Up'],
    does: 'Previous: take the typed commands back, then the previous step (without a lesson: step back)',
  },
  { id: 'play', keys: ['K'], does: 'Play or pause virtual time' },
  { id: 'back', keys: ['['], does: 'Step back: undo the last command line' },
  { id: 'forward', keys: [']'], does: 'Step forward: redo the next command line' },
  { id: 'start', keys: ['Home'], does: 'Jump to the start' },
  { id: 'end', keys: ['End'], does: 'Jump to the present' },
  { id: 'viewpoint', keys: ['V'], does: 'Switch the viewpoint: the host, then each PID namespace' },
  { id: 'reset', keys: ['Shift+R'], does: 'Reset: a fresh machine and an empty history' },
  { id: 'stage', keys: ['S'], does: 'Stage mode on or off' },
  { id: 'switch-focus', keys: ['F6'], does: 'Move the focus out of the terminal (and back)' },
  { id: 'help', keys: ['?'], does: 'Show or hide this help' },
  { id: 'escape', keys: ['Esc'], does: 'Close this help; leave stage mode' },
];

/** Where the focus is when a key is pressed. */
export type FocusPlace = 'terminal' | 'control' | 'page';

export interface KeyLike {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly metaKey: boolean;
}

export function shortcutFor(e: KeyLike, where: FocusPlace, stage: boolean): ShortcutId | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.key === 'F6') return 'switch-focus';
  if (where === 'terminal') {
    if (!stage) return null;
    if (e.key === 'PageDown') return 'next';
    if (e.key === 'PageUp') return 'previous';
    return null;
  }
  if (where === 'control') return e.key === 'Escape' ? 'escape' : null;
  switch (e.key) {
    case '?':
      return 'help';
    case 'k':
    case 'K':
      return e.shiftKey ? null : 'play';
    case '[':
      return 'back';
    case ']':
      return 'forward';
    case 'Home':
      return 'start';
    case 'End':
      return 'end';
    case 'n':
    case 'PageDown':
      return 'next';
    case 'p':
    case 'PageUp':
      return 'previous';
    case 'R':
      return e.shiftKey ? 'reset' : null;
    case 'v':
      return 'viewpoint';
    case 's':
      return 'stage';
    case 'Escape':
      return 'escape';
    default:
      return null;
  }
}
