import type { LabMachine } from '../../src/lab/machine.ts';
import { HOST_VIEW } from '../state/uiStore.ts';
import type { Viewpoint } from '../state/uiStore.ts';

/** The next viewpoint in turn: the host, then each PID namespace the machine has, in order. */
export function nextViewpoint(machine: LabMachine, current: Viewpoint): Viewpoint {
  const k = machine.kernel;
  const inner = k.namespaceIds().filter((ns) => ns !== k.rootNs);
  const order: Viewpoint[] = [HOST_VIEW, ...inner.map((ns): Viewpoint => ({ kind: 'ns', ns }))];
  const at =
    current.kind === 'host' ? 0 : order.findIndex((v) => v.kind === 'ns' && v.ns === current.ns);
  return order[(at + 1) % order.length] ?? HOST_VIEW;
}
