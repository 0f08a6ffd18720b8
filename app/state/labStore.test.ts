import { afterEach, describe, expect, it } from 'vitest';
import { tick, useLabStore } from './labStore.ts';
import { HOST_VIEW, useUiStore } from './uiStore.ts';

const lab = () => useLabStore.getState();
const typeLine = (line: string): void => lab().terminalInput(lab().machine.tty, `${line}\r`);

afterEach(() => {
  lab().reset();
  useUiStore.getState().setViewpoint(HOST_VIEW);
});

describe('the lab store', () => {
  it('records typing as steps and steps back to another machine, bumping the version', () => {
    typeLine('echo one');
    typeLine('echo two');
    expect(lab().steps.map((s) => s.label)).toEqual(['echo one', 'echo two']);
    expect(lab().live).toBe(true);
    const before = lab().machine;
    const version = lab().version;
    lab().stepBack();
    expect(lab().machine).not.toBe(before);
    expect(lab().version).toBeGreaterThan(version);
    expect(lab().live).toBe(false);
    expect(lab().playing).toBe(false);
    expect(lab().position).toBe(1);
    lab().stepForward();
    expect(lab().machine).toBe(before);
    expect(lab().playing).toBe(true);
  });

  it('after a step back, a viewpoint, selection or highlight on what is gone is dropped', () => {
    typeLine('unshare --pid --fork --mount-proc sleep 1000 &');
    const k = lab().machine.kernel;
    const ns = k.namespaceIds().find((id) => id !== k.rootNs);
    expect(ns).toBeDefined();
    const sleeper = k.taskIds().at(-1)!;
    const ui = useUiStore.getState();
    ui.setViewpoint({ kind: 'ns', ns: ns! });
    ui.selectTask(sleeper);
    ui.highlightTasks([sleeper]);
    lab().stepBack();
    const after = useUiStore.getState();
    expect(after.viewpoint).toEqual(HOST_VIEW);
    expect(after.selectedTask).toBe(null);
    expect(after.highlightedTasks).toEqual([]);
  });

  it('keys to a shell that has ended are dropped; Enter logs in again, as a step', () => {
    lab().openTerminal();
    const second = lab().terminals[1]!.tty;
    expect(lab().activeTty).toBe(second);
    lab().terminalInput(second, 'exit\r');
    expect(lab().machine.shellAlive(second)).toBe(false);
    const steps = lab().steps.length;
    lab().terminalInput(second, 'ls');
    expect(lab().steps.length).toBe(steps);
    lab().terminalInput(second, '\r');
    expect(lab().steps.at(-1)?.label).toBe('log in again on pts/1');
    for (let i = 0; i < 40 && !lab().machine.atPrompt(second); i += 1) tick(25);
    expect(lab().machine.atPrompt(second)).toBe(true);
  });

  it('the clock moves virtual time by the speed, and not while paused', () => {
    const t0 = lab().machine.kernel.now;
    lab().setSpeed(2);
    tick(100);
    expect(lab().machine.kernel.now - t0).toBe(200_000);
    lab().setPlaying(false);
    tick(100);
    expect(lab().machine.kernel.now - t0).toBe(200_000);
    lab().setPlaying(true);
    lab().setSpeed(0.25);
    tick(10); // 2.5 ms: whole milliseconds only, the rest carried
    tick(10);
    expect(lab().machine.kernel.now - t0).toBe(205_000);
    lab().setSpeed(1);
  });
});
