import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import { HOST_VIEW } from '../state/uiStore.ts';
import { nextViewpoint } from './viewpoint.ts';

describe('switching the viewpoint', () => {
  it('goes from the host to each PID namespace in turn and back to the host', () => {
    const m = createLabMachine();
    expect(nextViewpoint(m, HOST_VIEW)).toEqual(HOST_VIEW); // only the host so far
    m.type('unshare --pid --fork --mount-proc sleep 1000 &\r');
    m.runUntilPrompt();
    m.type('unshare --pid --fork --mount-proc sleep 1000 &\r');
    m.runUntilPrompt();
    const inner = m.kernel.namespaceIds().filter((ns) => ns !== m.kernel.rootNs);
    expect(inner).toHaveLength(2);
    const first = nextViewpoint(m, HOST_VIEW);
    expect(first).toEqual({ kind: 'ns', ns: inner[0] });
    const second = nextViewpoint(m, first);
    expect(second).toEqual({ kind: 'ns', ns: inner[1] });
    expect(nextViewpoint(m, second)).toEqual(HOST_VIEW);
    // A viewpoint on a namespace that is gone starts the round again.
    expect(nextViewpoint(m, { kind: 'ns', ns: 999 })).toEqual(HOST_VIEW);
  });
});
