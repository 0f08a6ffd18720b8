/**
 * A simulated single-node Kubernetes cluster for the lab: `kubectl` (which also plays the API
 * server's part, keeping the Pod objects in /var/lib/kubelet/pods), the kubelet's sync loop
 * (starting sandboxes, killing pods with preStop, grace period and SIGKILL), and the Kubernetes
 * half of `containerd-shim-runc-v2`: one shim per pod sandbox with /pause and the app
 * containers below it. Images come from the Docker engine's catalogue (../docker/images.ts)
 * plus busybox. Add it to a machine after the Docker engine:
 * `createLabMachine({ programs: KUBERNETES_PROGRAMS, binaries: KUBERNETES_BINARIES, files: KUBERNETES_FILES })`.
 */
import type { Program, ProgramContext, SigInfo, WakeEvent } from '../../kernel-sim/index.ts';
import { containerdShim as dockerShim } from '../docker/shim.ts';
import { kubectl } from './cli.ts';
import { kubelet } from './kubelet.ts';
import { isSandboxShim, sandboxShim } from './shim.ts';
import type { SandboxShimState } from './shim.ts';
import { EXAMPLE_MANIFESTS } from './examples.ts';

export { kubectl, kubelet };
export { decodePod } from './pod.ts';
export { parseYamlDocuments } from './yaml.ts';

type AnyCtx = ProgramContext<unknown>;
const asSandbox = (ctx: AnyCtx): ProgramContext<SandboxShimState> =>
  ctx as ProgramContext<SandboxShimState>;
const asDocker = (ctx: AnyCtx): Parameters<typeof dockerShim.start>[0] =>
  ctx as Parameters<typeof dockerShim.start>[0];

/**
 * containerd-shim-runc-v2 for both of containerd's clients: the Docker engine's containers
 * (namespace moby, ../docker/shim.ts) and the Kubernetes pod sandboxes (namespace k8s.io,
 * ./shim.ts). It replaces the Docker-only shim in the default world.
 */
export const containerdShim: Program<unknown> = {
  name: 'containerd-shim-runc-v2',
  start(ctx) {
    if (isSandboxShim(ctx)) sandboxShim.start(asSandbox(ctx));
    else dockerShim.start(asDocker(ctx));
  },
  resume(ctx, wake: WakeEvent) {
    if (!isSandboxShim(ctx)) dockerShim.resume?.(asDocker(ctx), wake);
  },
  onSignal(ctx, info: SigInfo) {
    if (isSandboxShim(ctx)) sandboxShim.onSignal(asSandbox(ctx), info);
  },
  onTimer(ctx, tag) {
    if (isSandboxShim(ctx)) sandboxShim.onTimer(asSandbox(ctx), tag);
  },
};

export const KUBERNETES_PROGRAMS: Program[] = [
  kubectl,
  kubelet,
  containerdShim,
] as unknown as Program[];

export const KUBERNETES_BINARIES: Record<string, string> = {
  '/usr/bin/kubectl': 'kubectl',
  '/usr/bin/kubelet': 'kubelet',
  '/usr/bin/containerd': 'containerd',
  '/usr/bin/containerd-shim-runc-v2': 'containerd-shim-runc-v2',
};

/** The kubelet's directories and the example pod manifests of the lessons (/root/k8s). */
export const KUBERNETES_FILES: Record<string, string> = {
  '/var/lib/kubelet/pods/.keep': '',
  '/var/log/pods/.keep': '',
  ...Object.fromEntries(
    Object.entries(EXAMPLE_MANIFESTS).map(([name, text]) => [`/root/k8s/${name}`, text]),
  ),
};
