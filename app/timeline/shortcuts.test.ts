import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor } from './shortcuts.ts';
import type { FocusPlace, KeyLike } from './shortcuts.ts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('on the page, each documented key does what the help says', () => {
    const on = (k: string, mods?: Partial<KeyLike>) => shortcutFor(key(k, mods), 'page', false);
    expect(on('n')).toBe('next');
    expect(on('PageDown')).toBe('next');
    expect(on('p')).toBe('previous');
    expect(on('PageUp')).toBe('previous');
    expect(on('k')).toBe('play');
    expect(on('[')).toBe('back');
    expect(on(']')).toBe('forward');
    expect(on('Home')).toBe('start');
    expect(on('End')).toBe('end');
    expect(on('v')).toBe('viewpoint');
    expect(on('R', { shiftKey: true })).toBe('reset');
    expect(on('r')).toBe(null); // a stray r must not throw the history away
    expect(on('s')).toBe('stage');
    expect(on('?', { shiftKey: true })).toBe('help');
    expect(on('Escape')).toBe('escape');
    expect(on('F6')).toBe('switch-focus');
    expect(on('n', { ctrlKey: true })).toBe(null);
    expect(on('k', { metaKey: true })).toBe(null);
  });

  it('leaves the terminal its keys, except F6 and, on stage, the clicker keys', () => {
    const inTerm = (k: string, stage: boolean) => shortcutFor(key(k), 'terminal', stage);
    for (const k of ['n', 'p', 'k', '[', 'Home', 'End', 'v', 's', '?', 'Escape', 'Tab'])
      expect(inTerm(k, true)).toBe(null);
    expect(inTerm('PageDown', false)).toBe(null);
    expect(inTerm('PageDown', true)).toBe('next');
    expect(inTerm('PageUp', true)).toBe('previous');
    expect(inTerm('F6', false)).toBe('switch-focus');
  });

  it('leaves form controls and the event list their keys', () => {
    const where: FocusPlace = 'control';
    for (const k of ['Home', 'End', 'PageDown', 'n', ' ', 'ArrowLeft'])
      expect(shortcutFor(key(k), where, true)).toBe(null);
    expect(shortcutFor(key('Escape'), where, true)).toBe('escape');
  });

  it('the help lists every shortcut once', () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(13);
  });
});
