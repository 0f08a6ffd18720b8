import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';
import type { LabMachine } from '../../lab/machine.ts';
import type { TraceEvent } from '../../kernel-sim/index.ts';
import { containerArgs } from './store.ts';
import { decodePod, invalidText } from './pod.ts';
import { humanDuration, rfc1123z, tabwrite } from './format.ts';
import { YamlError, parseYamlDocuments } from './yaml.ts';

/** Test manifests besides the lessons' examples in /root/k8s. */
const FILES: Record<string, string> = {
  // Shared namespace: "fast" dies of SIGTERM (it is not PID 1), "stubborn" ignores it
  // (SIG_IGN is inherited by its sleep), so the kubelet has to SIGKILL it after 10 s.
  '/root/t/mixed.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: mixed
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 10
  containers:
  - name: fast
    image: debian:12
    command: ["sleep", "1000"]
  - name: stubborn
    image: debian:12
    command: ["sh", "-c", "trap '' TERM; sleep 1000"]
`,
  '/root/t/once.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: job
    image: busybox
    command: ["sh", "-c", "echo hello from job; exit 0"]
`,
  '/root/t/badyaml.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: 1\n',
  '/root/t/unknown.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: debian:12\n    imagee: x\n',
  '/root/t/type.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: debian:12\n    command: sleep 10\n',
  '/root/t/noimage.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n',
  '/root/t/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec: {}\n',
  '/root/t/init.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  initContainers: []\n  containers:\n  - name: a\n    image: debian:12\n',
  '/root/t/nocmd.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nocmd\nspec:\n  containers:\n  - name: a\n    image: debian:12\n    command: [nosuchcmd]\n',
};

const machine = (): LabMachine => createLabMachine({ files: FILES });

/** Runs lines and returns the transcript and the virtual time each line took (s). */
function session(m: LabMachine, lines: readonly string[]): { text: string; took: number[] } {
  const took: number[] = [];
  let text = '';
  for (const line of lines) {
    const t0 = m.kernel.now;
    text = runScript(m, line).transcript;
    took.push((m.kernel.now - t0) / 1e6);
  }
  return { text, took };
}

/** The output printed for command `cmd` in a transcript (its last occurrence). */
function outputOf(text: string, cmd: string): string {
  const i = text.lastIndexOf(`# ${cmd}\n`);
  if (i < 0) return `<${cmd} not found>`;
  const rest = text.slice(i + cmd.length + 3);
  const j = rest.indexOf('root@host:');
  return j < 0 ? rest : rest.slice(0, j);
}

/** Types lines into whatever reads the terminal now (an interactive shell inside a container). */
function typeInto(m: LabMachine, lines: readonly string[]): string {
  const before = m.output().length;
  for (const l of lines) {
    m.type(`${l}\r`);
    m.advance(100_000);
  }
  return m.output().slice(before).replace(/\r/g, '');
}

/** Reaps done by a pod's shim: comm and how it ended (exit code or 128+signal). */
function shimReaps(trace: readonly TraceEvent[]): { comm: string; code: number; t: number }[] {
  const out: { comm: string; code: number; t: number }[] = [];
  for (const e of trace) {
    if (e.type !== 'reap' || e.by?.comm !== 'containerd-shim') continue;
    const sig = e.status & 0x7f;
    out.push({ comm: e.task.comm, code: sig ? 128 + sig : (e.status >> 8) & 0xff, t: e.t });
  }
  return out;
}

// ------------------------------------------------------------------ YAML and the Pod schema

describe('pod YAML', () => {
  it('parses block and flow collections, quotes, comments, block scalars and documents', () => {
    const docs = parseYamlDocuments(`# a pod
apiVersion: v1
kind: Pod   # trailing comment
metadata:
  name: web
  labels: {app: web, tier: "front"}
spec:
  containers:
  - name: app
    image: 'debian:12'
    command: ["sh", "-c", 'echo "it''s" # not a comment']
    env:
      - name: NUM
        value: "1"
      - name: 'N'
        value: N
    args:
    - |
      line one
      line two
    - >-
      folded
      text
  terminationGracePeriodSeconds: 5
  shareProcessNamespace: yes
  nodeSelector: {a: "1",
    b: "2"}
  volumes: [
    x, y
  ]
---
---
kind: Pod
`);
    expect(docs).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'debian:12',
              command: ['sh', '-c', `echo "it's" # not a comment`],
              env: [
                { name: 'NUM', value: '1' },
                { name: 'N', value: false },
              ],
              args: ['line one\nline two\n', 'folded text'],
            },
          ],
          terminationGracePeriodSeconds: 5,
          shareProcessNamespace: true,
          nodeSelector: { a: '1', b: '2' },
          volumes: ['x', true], // YAML 1.1 (go-yaml v2): a plain y is a boolean
        },
      },
      { kind: 'Pod' },
    ]);
  });

  it("reports errors in go-yaml's words with the line", () => {
    const error = (src: string): string => {
      try {
        parseYamlDocuments(src);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error('a: b: c\n')).toBe('yaml: line 1: mapping values are not allowed in this context');
    expect(error('a:\n\tb: 1\n')).toBe('yaml: line 2: found character that cannot start any token');
    expect(error('a: 1\nb: 2\na: 3\n')).toBe(
      'yaml: line 3: mapping key "a" already defined at line 1',
    );
    expect(error('a: [1, 2\n')).toBe("yaml: line 1: did not find expected ',' or ']'");
    expect(error('a: &x 1\n')).toContain('yaml: line 1: anchors, aliases and tags');
  });

  it('decodes a Pod strictly: types, unknown fields, validation, unmodelled fields', () => {
    const pod = (spec: Record<string, unknown>, name = 'p'): ReturnType<typeof decodePod> =>
      decodePod({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec } as never);
    const ok = pod({ containers: [{ name: 'a', image: 'debian:12' }] });
    expect('kind' in ok).toBe(false);
    if (!('kind' in ok)) {
      expect(ok.spec.terminationGracePeriodSeconds).toBe(30);
      expect(ok.spec.restartPolicy).toBe('Always');
      expect(ok.spec.shareProcessNamespace).toBe(false);
    }
    expect(pod({ containers: [{ name: 'a', image: 'x', command: 'sleep' }] })).toEqual({
      kind: 'decode',
      message:
        'json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string',
    });
    expect(pod({ terminationGracePeriodSeconds: '30', containers: [] })).toEqual({
      kind: 'decode',
      message:
        'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    });
    expect(pod({ containers: [{ name: 'a', image: 'x', imagee: 1 }] })).toEqual({
      kind: 'decode',
      message: 'strict decoding error: unknown field "spec.containers[0].imagee"',
    });
    expect(pod({ hostPID: true, containers: [{ name: 'a', image: 'x' }] })).toEqual({
      kind: 'unsupported',
      message: 'spec.hostPID is not modelled in PID 1 Lab',
    });
    const bad = pod(
      {
        restartPolicy: 'Sometimes',
        containers: [
          { name: 'a', image: 'x' },
          { name: 'a', image: '' },
        ],
      },
      'p',
    );
    expect(bad).toEqual({
      kind: 'invalid',
      name: 'p',
      causes: [
        'spec.containers[1].name: Duplicate value: "a"',
        'spec.containers[1].image: Required value',
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
      ],
    });
    expect(invalidText('p', ['spec.containers: Required value'])).toBe(
      'The Pod "p" is invalid: spec.containers: Required value',
    );
  });

  it('command replaces ENTRYPOINT (and drops CMD); args replaces CMD', () => {
    const image = { entrypoint: ['/entry'], cmd: ['run'] };
    expect(containerArgs({ command: null, args: null }, image)).toEqual(['/entry', 'run']);
    expect(containerArgs({ command: ['sleep'], args: null }, image)).toEqual(['sleep']);
    expect(containerArgs({ command: null, args: ['x'] }, image)).toEqual(['/entry', 'x']);
    expect(containerArgs({ command: ['a'], args: ['b'] }, image)).toEqual(['a', 'b']);
  });
});

describe('robustness', () => {
  it('any text either parses or fails with a YAML error, and decoding never throws', () => {
    const piece = fc.constantFrom(
      'a: 1',
      '- x',
      '  b: [1, "2"]',
      'c: |',
      '  text',
      'd: {e: f}',
      "'q': 'it''s'",
      '"k": "\\t"',
      '---',
      '# c',
      'spec:',
      '  containers:',
      '  - name: a',
      '    image: debian:12',
      '\t',
      ':',
      '[',
      '- - -',
      'kind: Pod',
      'apiVersion: v1',
      'metadata: {name: p}',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 12 }), (parts) => {
        let docs;
        try {
          docs = parseYamlDocuments(parts.join('\n'));
        } catch (e) {
          expect(e).toBeInstanceOf(YamlError);
          return;
        }
        for (const d of docs) decodePod(d);
      }),
      { numRuns: 400, seed: 5 },
    );
  });
});

describe('kubectl robustness', () => {
  it('any command line ends at the prompt without breaking the kernel', () => {
    const word = fc.constantFrom(
      'apply',
      'create',
      'get',
      'describe',
      'logs',
      'exec',
      'delete',
      'debug',
      'wait',
      'pod',
      'pods',
      'po',
      'pod/two',
      'two',
      'nope',
      'events',
      '-f',
      '/root/k8s/two-containers.yaml',
      '/root/k8s',
      '/root/t/badyaml.yaml',
      '-c',
      'app',
      'sidecar',
      '-it',
      '-i',
      '--',
      'ps',
      'sh',
      '--grace-period=0',
      '--force',
      '--now',
      '--wait=false',
      '--image=busybox',
      '--target=app',
      '-o',
      'wide',
      'name',
      '--for=delete',
      '--for=condition=Ready',
      '--timeout=2s',
      '-p',
      '-n',
      'default',
      '--tail',
      '1',
      '-x',
      '--bogus',
    );
    const verb = fc.constantFrom(
      'apply',
      'get',
      'describe',
      'logs',
      'exec',
      'delete',
      'debug',
      'wait',
    );
    const m = machine();
    session(m, ['kubectl apply -f /root/k8s/two-containers.yaml', 'sleep 1']);
    fc.assert(
      fc.property(verb, fc.array(word, { maxLength: 6 }), (v, words) => {
        const r = runScript(m, `kubectl ${v} ${words.join(' ')} < /dev/null`, {
          promptLimit: 120e6,
        });
        expect(r.finished).toBe(true);
        expect(m.kernel.checkInvariants()).toEqual([]);
      }),
      { numRuns: 80, seed: 7 },
    );
  });
});

describe('kubectl output formats', () => {
  it("Go's tabwriter: column blocks end at a line without that cell", () => {
    expect(
      tabwrite('Name:\tx\nService Account:\tdefault\nContainers:\n  a:\n    Image:\td\n', 0, 2),
    ).toBe('Name:             x\nService Account:  default\nContainers:\n  a:\n    Image:  d\n');
    expect(tabwrite('NAME\tREADY\tAGE\nlong-name\t1/1\t5s\n', 6, 3)).toBe(
      'NAME        READY   AGE\nlong-name   1/1     5s\n',
    );
  });

  it('HumanDuration and RFC 1123 times', () => {
    expect(humanDuration(5e6)).toBe('5s');
    expect(humanDuration(119e6)).toBe('119s');
    expect(humanDuration(150e6)).toBe('2m30s');
    expect(humanDuration(600e6)).toBe('10m');
    expect(humanDuration(4 * 3600e6 + 60e6)).toBe('4h1m');
    expect(humanDuration(3 * 86400e6)).toBe('3d');
    expect(rfc1123z(0)).toBe('Mon, 01 Jan 2024 08:00:00 +0000');
    expect(rfc1123z(86400e6 * 31 + 5e6)).toBe('Thu, 01 Feb 2024 08:00:05 +0000');
  });
});

// ------------------------------------------------------------------ a node running pods

describe('kubectl apply / get / the node', () => {
  it('a two-container pod: one shim with /pause and both containers; each command is PID 1', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl get pods',
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl get pods',
      'sleep 1',
      'kubectl get pods',
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'ps -ef --forest',
      'kubectl exec two -- ps -ef',
      'kubectl exec two -c sidecar -- ps -ef',
    ]);
    expect(outputOf(text, 'kubectl get pods')).toMatch(
      /^NAME {3}READY {3}STATUS {4}RESTARTS {3}AGE\ntwo {4}2\/2 {5}Running {3}0 {10}1s\n$/,
    );
    expect(text).toContain('kubectl get pods\nNo resources found in default namespace.\n');
    expect(text).toContain('kubectl apply -f /root/k8s/two-containers.yaml\npod/two created\n');
    expect(text).toMatch(/two {4}0\/2 {5}ContainerCreating {3}0 {10}0s\n/);
    expect(outputOf(text, 'kubectl apply -f /root/k8s/two-containers.yaml')).toBe(
      'pod/two unchanged\n',
    );
    const forest = outputOf(text, 'ps -ef --forest');
    expect(forest).toMatch(/\n.* 1 {2}0 08:00 \? {8}00:00:00 {2}\\_ \/usr\/bin\/containerd\n/);
    expect(forest).toMatch(/\\_ \/usr\/bin\/kubelet --bootstrap-kubeconfig/);
    expect(forest.match(/kubelet --bootstrap/g)).toHaveLength(1);
    expect(forest).toMatch(
      /\\_ \/usr\/bin\/containerd-shim-runc-v2 -namespace\n.*[ |] {3}\\_ \/pause\n.*[ |] {3}\\_ sleep 1000\n.*[ |] {3}\\_ sleep 2000\n/,
    );
    expect(forest.match(/containerd-shim-runc-v2/g)).toHaveLength(1);
    expect(outputOf(text, 'kubectl exec two -- ps -ef')).toMatch(
      /^Defaulted container "app" out of: app, sidecar\nUID +PID +PPID +C STIME TTY +TIME CMD\nroot +1 +0 .* sleep 1000\nroot +2 +0 .* ps -ef\n$/,
    );
    expect(outputOf(text, 'kubectl exec two -c sidecar -- ps -ef')).toMatch(
      /^UID +PID +PPID +C STIME TTY +TIME CMD\nroot +1 +0 .* sleep 2000\nroot +2 +0 .* ps -ef\n$/,
    );
  });

  it('shareProcessNamespace: /pause is PID 1 for every container, none of the apps is', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/shared-pid.yaml',
      'kubectl wait --for=condition=Ready pod/shared',
      'kubectl exec shared -- ps -ef',
      'kubectl exec shared -c sidecar -- ps -o pid,ppid,comm',
      'kubectl exec shared -- kill -HUP 1',
      'kubectl exec shared -- ps -o pid,comm',
      'ps -ef --forest',
    ]);
    expect(outputOf(text, 'kubectl wait --for=condition=Ready pod/shared')).toBe(
      'pod/shared condition met\n',
    );
    expect(outputOf(text, 'kubectl exec shared -- ps -ef')).toMatch(
      /\nroot +1 +0 .* \/pause\nroot +2 +0 .* sleep 1000\nroot +3 +0 .* sleep 2000\nroot +4 +0 .* ps -ef\n$/,
    );
    expect(outputOf(text, 'kubectl exec shared -c sidecar -- ps -o pid,ppid,comm')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 pause\n +2 +0 sleep\n +3 +0 sleep\n +\d+ +0 ps\n$/,
    );
    // pause has no handler for SIGHUP: as the namespace's init it drops it.
    expect(outputOf(text, 'kubectl exec shared -- ps -o pid,comm')).toMatch(/ +1 pause\n/);
    expect(outputOf(text, 'ps -ef --forest')).toMatch(
      /containerd-shim-runc-v2 -namespace\n.*\\_ \/pause\n.*\\_ sleep 1000\n.*\\_ sleep 2000\n/,
    );
  });

  it('tini in a shared namespace is not PID 1: it warns unless it is a subreaper (-s)', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/tini-shared.yaml',
      'kubectl wait --for=condition=Ready pod/tini-shared',
      'kubectl logs tini-shared -c plain',
      'kubectl logs tini-shared -c subreaper',
      'kubectl exec tini-shared -c plain -- ps -o pid,ppid,args',
    ]);
    expect(outputOf(text, 'kubectl logs tini-shared -c plain')).toMatch(
      /^\[WARN {2}tini \(2\)\] Tini is not running as PID 1 and isn't registered as a child subreaper\.\n/,
    );
    expect(outputOf(text, 'kubectl logs tini-shared -c subreaper')).toBe('');
    expect(outputOf(text, 'kubectl exec tini-shared -c plain -- ps -o pid,ppid,args')).toMatch(
      / +1 +0 \/pause\n +2 +0 tini -- sleep 1000\n +3 +0 tini -s -- sleep 2000\n +4 +2 sleep 1000\n +5 +3 sleep 2000\n/,
    );
  });

  it('orphans go to pause, which reaps them; without sharing they stay zombies under PID 1', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/orphans.yaml',
      'kubectl apply -f /root/k8s/orphans-no-share.yaml',
      'kubectl wait --for=condition=Ready pod/orphans pod/orphans-no-share',
      'kubectl exec orphans -- ps -o pid,ppid,stat,args',
      'kubectl exec orphans-no-share -- ps -o pid,ppid,stat,args',
      'sleep 6',
      'kubectl exec orphans -- ps -o pid,ppid,stat,args',
      'kubectl exec orphans-no-share -- ps -o pid,ppid,stat,args',
    ]);
    const [sharedBefore, privateBefore] = [
      'kubectl exec orphans -- ps -o pid,ppid,stat,args',
      'kubectl exec orphans-no-share -- ps -o pid,ppid,stat,args',
    ].map((c) => {
      const i = text.indexOf(`# ${c}\n`);
      const rest = text.slice(i + c.length + 3);
      return rest.slice(0, rest.indexOf('root@host:'));
    });
    expect(sharedBefore).toMatch(
      / +1 +0 Ss +\/pause\n +2 +0 Ss +sleep 1000\n +\d+ +1 S +sleep 5\n/,
    );
    expect(privateBefore).toMatch(/ +1 +0 Ss +sleep 1000\n +\d+ +1 S +sleep 5\n/);
    const sharedAfter = outputOf(text, 'kubectl exec orphans -- ps -o pid,ppid,stat,args');
    expect(sharedAfter).not.toContain('sleep 5');
    expect(sharedAfter).not.toContain('defunct');
    expect(outputOf(text, 'kubectl exec orphans-no-share -- ps -o pid,ppid,stat,args')).toMatch(
      / +\d+ +1 Z +\[sleep\] <defunct>\n/,
    );
  });
});

// ------------------------------------------------------------------ deletion

describe('kubectl delete pod', () => {
  it('sleep as PID 1 drops SIGTERM: the kubelet SIGKILLs it after the default 30 s', () => {
    const m = machine();
    const { text, took } = session(m, [
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/two',
      'kubectl delete pod two',
      'kubectl get pods',
      'ps -e | grep -c -e pause -e sleep -e shim',
    ]);
    expect(outputOf(text, 'kubectl delete pod two')).toBe('pod "two" deleted\n');
    expect(took[2]).toBeGreaterThanOrEqual(30);
    expect(took[2]).toBeLessThan(31.5);
    expect(outputOf(text, 'kubectl get pods')).toBe('No resources found in default namespace.\n');
    expect(outputOf(text, 'ps -e | grep -c -e pause -e sleep -e shim')).toBe('0\n');
    const kills = m.kernel.trace.filter(
      (e): e is Extract<TraceEvent, { type: 'kill' }> =>
        e.type === 'kill' && e.from.comm === 'kubelet',
    );
    // SIGTERM to each container's PID 1, SIGKILL to each 30 s later, then SIGKILL to pause.
    expect(kills.map((k) => k.sig)).toEqual([15, 15, 9, 9, 9]);
    expect(kills[2]!.t - kills[0]!.t).toBe(30_000_000);
    const reaps = shimReaps(m.kernel.trace);
    expect(reaps.filter((r) => r.comm === 'sleep').map((r) => r.code)).toEqual([137, 137]);
    expect(reaps.find((r) => r.comm === 'pause')?.code).toBe(137);
  });

  it('shared-pid.yaml: no app is PID 1, so SIGTERM ends both at once (143); pause last', () => {
    const m = machine();
    const { text, took } = session(m, [
      'kubectl apply -f /root/k8s/shared-pid.yaml',
      'kubectl wait --for=condition=Ready pod/shared',
      'kubectl delete pod shared',
      'ps -ef --forest',
    ]);
    expect(outputOf(text, 'kubectl delete pod shared')).toBe('pod "shared" deleted\n');
    expect(took[2]).toBeLessThan(1.5);
    expect(outputOf(text, 'ps -ef --forest')).not.toMatch(/pause|sleep|shim/);
    const reaps = shimReaps(m.kernel.trace).filter((r) => r.comm !== 'containerd-shim');
    expect(reaps.map((r) => [r.comm, r.code])).toEqual([
      ['sleep', 143],
      ['sleep', 143],
      ['pause', 137],
    ]);
  });

  it('shared namespace: SIGTERM kills the app at once (143); one that ignores it gets SIGKILL', () => {
    const m = machine();
    const { text, took } = session(m, [
      'kubectl apply -f /root/t/mixed.yaml',
      'kubectl wait --for=condition=Ready pod/mixed',
      'kubectl delete pod mixed --wait=false',
      'sleep 2',
      'kubectl get pods',
      'kubectl describe pod mixed',
      'kubectl wait --for=delete pod/mixed --timeout=60s',
    ]);
    expect(took[2]).toBe(0);
    expect(outputOf(text, 'kubectl get pods')).toMatch(/mixed {3}1\/2 {5}Terminating {3}0 /);
    const d = outputOf(text, 'kubectl describe pod mixed');
    expect(d).toMatch(/\nStatus: +Terminating \(lasts [78]s\)\nTermination Grace Period: +10s\n/);
    expect(d).toMatch(
      / {2}fast:\n(.*\n)*? {4}State: +Terminated\n {6}Reason: +Error\n {6}Exit Code: +143\n/,
    );
    expect(d).toMatch(/ {2}stubborn:\n(.*\n)*? {4}State: +Running\n/);
    expect(d).toMatch(/Normal {2}Killing +\d+s +kubelet +Stopping container fast\n/);
    expect(d).toMatch(/Normal {2}Killing +\d+s +kubelet +Stopping container stubborn\n/);
    expect(took[3]! + took[4]! + took[5]! + took[6]!).toBeGreaterThanOrEqual(10);
    expect(took[3]! + took[4]! + took[5]! + took[6]!).toBeLessThan(11.5);
    const reaps = shimReaps(m.kernel.trace);
    expect(
      reaps.filter((r) => r.comm === 'sleep' || r.comm === 'sh').map((r) => [r.comm, r.code]),
    ).toEqual([
      ['sleep', 143],
      ['sh', 137],
    ]);
  });

  it('terminationGracePeriodSeconds: 5 (grace.yaml) kills after 5 s; --now after the 2 s minimum', () => {
    const m = machine();
    const { took } = session(m, [
      'kubectl apply -f /root/k8s/grace.yaml',
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/grace pod/two',
      'kubectl delete pod grace',
      'kubectl delete pod two --now',
    ]);
    expect(took[3]).toBeGreaterThanOrEqual(5);
    expect(took[3]).toBeLessThan(6.5);
    expect(took[4]).toBeGreaterThanOrEqual(2);
    expect(took[4]).toBeLessThan(3.5);
  });

  it('a second delete with a shorter grace period shortens the wait', () => {
    const m = machine();
    const { took } = session(m, [
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/two',
      'kubectl delete pod two --wait=false',
      'sleep 3',
      'kubectl delete pod two --grace-period=5',
    ]);
    expect(took[4]).toBeGreaterThanOrEqual(5);
    expect(took[4]).toBeLessThan(6.5);
  });

  it('--force --grace-period=0 removes the object at once; the processes still get 2 s', () => {
    const m = machine();
    const { text, took } = session(m, [
      'kubectl apply -f /root/k8s/grace.yaml',
      'kubectl wait --for=condition=Ready pod/grace',
      'kubectl delete pod grace --force --grace-period=0',
      'kubectl get pods',
      'ps -e | grep -c sleep',
      'sleep 4',
      'ps -e | grep -c sleep',
    ]);
    expect(took[2]).toBe(0);
    expect(outputOf(text, 'kubectl delete pod grace --force --grace-period=0')).toBe(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod "grace" force deleted\n',
    );
    expect(outputOf(text, 'kubectl get pods')).toBe('No resources found in default namespace.\n');
    expect(text).toMatch(/ps -e \| grep -c sleep\n1\n(.*\n)*.*ps -e \| grep -c sleep\n0\n/);
  });

  it('preStop runs in the container first; SIGTERM follows when it is done', () => {
    const m = machine();
    const { text, took } = session(m, [
      'kubectl apply -f /root/k8s/prestop.yaml',
      'kubectl wait --for=condition=Ready pod/prestop',
      'kubectl delete pod prestop --wait=false',
      'sleep 2',
      'kubectl exec prestop -- ps -o pid,ppid,args',
      'kubectl describe pod prestop',
      'kubectl wait --for=delete pod/prestop',
    ]);
    // The hook (sleep 5) was entered into the container: PPID 0 inside.
    expect(outputOf(text, 'kubectl exec prestop -- ps -o pid,ppid,args')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 sh -c trap 'exit 0' TERM; while true; do sleep 1; done\n(.*\n)* +\d+ +0 sleep 5\n/,
    );
    expect(outputOf(text, 'kubectl describe pod prestop')).toMatch(
      /Normal {2}Killing +\ds +kubelet +Stopping container app\n/,
    );
    const total = took[3]! + took[4]! + took[5]! + took[6]!;
    expect(total).toBeGreaterThanOrEqual(5);
    expect(total).toBeLessThan(7.5);
    const kills = m.kernel.trace.filter(
      (e): e is Extract<TraceEvent, { type: 'kill' }> =>
        e.type === 'kill' && e.from.comm === 'kubelet',
    );
    expect(kills.map((k) => k.sig)).toEqual([15, 9]); // SIGTERM after the hook, then pause
    // The shell ran its trap: exit 0.
    expect(shimReaps(m.kernel.trace).find((r) => r.comm === 'sh')?.code).toBe(0);
  });
});

// ------------------------------------------------------------------ exec, logs, debug, restarts

describe('kubectl exec / logs / debug', () => {
  it('exec: exit codes, unknown containers and commands', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/two',
      'kubectl exec two -c app -- sh -c "exit 3"; echo rc=$?',
      'kubectl exec two -c nope -- ps',
      'kubectl exec two -c app -- nosuch; echo rc=$?',
      'kubectl exec nope -- ps; echo rc=$?',
      "kubectl exec two -c app -- sh -c 'echo $PPID'",
    ]);
    expect(outputOf(text, 'kubectl exec two -c app -- sh -c "exit 3"; echo rc=$?')).toBe(
      'command terminated with exit code 3\nrc=3\n',
    );
    expect(outputOf(text, 'kubectl exec two -c nope -- ps')).toBe(
      'Error from server (BadRequest): container nope is not valid for pod two\n',
    );
    expect(outputOf(text, 'kubectl exec two -c app -- nosuch; echo rc=$?')).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown\nrc=1\n$/,
    );
    expect(outputOf(text, 'kubectl exec nope -- ps; echo rc=$?')).toBe(
      'Error from server (NotFound): pods "nope" not found\nrc=1\n',
    );
    expect(outputOf(text, "kubectl exec two -c app -- sh -c 'echo $PPID'")).toBe('0\n');
  });

  it("debug -it --target joins the target container's PID namespace", () => {
    const m = machine();
    session(m, [
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/two',
    ]);
    const before = m.output().length;
    m.type('kubectl debug -it two --image=busybox --target=app\r');
    m.advance(100_000);
    const banner = m.output().slice(before).replace(/\r/g, '');
    expect(banner).toMatch(
      /^kubectl debug -it two --image=busybox --target=app\nTargeting container "app". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\nDefaulting debug container name to debugger-[b-z2-9]{5}.\nIf you don't see a command prompt, try pressing enter.\n/,
    );
    const inside = typeInto(m, ['ps -eo pid,ppid,args', 'echo $PPID', 'exit']);
    expect(inside).toMatch(
      / +PID +PPID COMMAND\n +1 +0 sleep 1000\n +2 +0 sh\n +3 +2 ps -eo pid,ppid,args\n/,
    );
    expect(inside).toMatch(/echo \$PPID\n0\n/);
    expect(inside).toMatch(
      /Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach two -c debugger-[b-z2-9]{5} -i -t' if it is still running\n/,
    );
    const { text } = session(m, ['kubectl describe pod two']);
    expect(outputOf(text, 'kubectl describe pod two')).toMatch(
      /\nEphemeral Containers:\n {2}debugger-[b-z2-9]{5}:\n(.*\n)*? {4}State: +Terminated\n {6}Reason: +Completed\n {6}Exit Code: +0\n/,
    );
  });

  it('logs, restartPolicy Never: Completed, and the sandbox is stopped', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/t/once.yaml',
      'sleep 2',
      'kubectl get pods',
      'kubectl logs once',
      'ps -e | grep -c -e pause -e shim',
      'kubectl describe pod once',
    ]);
    expect(outputOf(text, 'kubectl get pods')).toMatch(/once {3}0\/1 {5}Completed {3}0 /);
    expect(outputOf(text, 'kubectl logs once')).toBe('hello from job\n');
    expect(outputOf(text, 'ps -e | grep -c -e pause -e shim')).toBe('0\n');
    expect(outputOf(text, 'kubectl describe pod once')).toMatch(
      /\nStatus: +Succeeded\n(.*\n)* {4}State: +Terminated\n {6}Reason: +Completed\n {6}Exit Code: +0\n/,
    );
  });

  it('CrashLoopBackOff: immediate first restart, then back-off 10 s, 20 s', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/crashloop.yaml',
      'sleep 2',
      'kubectl get pods',
      'sleep 10',
      'kubectl get pods',
      'kubectl logs crashloop --previous',
      'kubectl describe pod crashloop',
    ]);
    expect(text).toMatch(/crashloop {3}0\/1 {5}CrashLoopBackOff {3}1 \(2s ago\) {3}2s\n/);
    expect(text).toMatch(/crashloop {3}0\/1 {5}CrashLoopBackOff {3}2 \(2s ago\) {3}12s\n/);
    expect(outputOf(text, 'kubectl logs crashloop --previous')).toBe('starting\n');
    expect(outputOf(text, 'kubectl describe pod crashloop')).toMatch(
      / {4}State: +Waiting\n {6}Reason: +CrashLoopBackOff\n {4}Last State: +Terminated\n {6}Reason: +Error\n {6}Exit Code: +1\n(.*\n)* {4}Restart Count: +2\n(.*\n)*.*Warning +BackOff +\ds \(x2 over 1\ds\) +kubelet +Back-off restarting failed container app in pod crashloop_default\(/,
    );
  });

  it('a container that ran longer than its back-off is restarted at once', () => {
    const m = createLabMachine({
      files: {
        '/root/t/slow.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  containers:\n  - name: app\n    image: debian:12\n    command: ["sh", "-c", "sleep 15; exit 1"]\n',
      },
    });
    const { text } = session(m, [
      'kubectl apply -f /root/t/slow.yaml',
      'sleep 31',
      'kubectl get pods',
    ]);
    expect(outputOf(text, 'kubectl get pods')).toMatch(
      /slow {3}1\/1 {5}Running {3}2 \(\ds ago\) {3}31s\n/,
    );
  });

  it('a command that is not in the image: StartError, exit code 128', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/t/nocmd.yaml',
      'sleep 2',
      'kubectl describe pod nocmd',
    ]);
    expect(outputOf(text, 'kubectl describe pod nocmd')).toMatch(
      / {4}Last State: +Terminated\n {6}Reason: +StartError\n {6}Message: +failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in \$PATH: unknown\n {6}Exit Code: +128\n/,
    );
  });
});

describe('the sandbox', () => {
  it('killing /pause from the host: SandboxChanged, containers killed, all restarted', () => {
    const m = machine();
    const ps = session(m, [
      'kubectl apply -f /root/k8s/shared-pid.yaml',
      'kubectl wait --for=condition=Ready pod/shared',
      'ps -e -o pid,comm | grep pause',
    ]).text;
    const pausePid = /(\d+) pause\n/.exec(outputOf(ps, 'ps -e -o pid,comm | grep pause'))![1]!;
    const { text } = session(m, [
      `kill -9 ${pausePid}`,
      'sleep 1',
      'kubectl get pods',
      'kubectl exec shared -- ps -o pid,ppid,args',
      'kubectl describe pod shared',
      'ps -e -o comm | grep -c -e pause -e shim',
    ]);
    expect(outputOf(text, 'kubectl get pods')).toMatch(
      /shared {3}2\/2 {5}Running {3}2 \(1s ago\) {3}1s\n/,
    );
    expect(outputOf(text, 'kubectl exec shared -- ps -o pid,ppid,args')).toMatch(
      /\n +PID +PPID COMMAND\n +1 +0 \/pause\n +2 +0 sleep 1000\n +3 +0 sleep 2000\n/,
    );
    const d = outputOf(text, 'kubectl describe pod shared');
    expect(d).toMatch(/ {4}Last State: +Terminated\n {6}Reason: +Error\n {6}Exit Code: +137\n/);
    expect(d).toMatch(
      /Normal {2}SandboxChanged +1s +kubelet +Pod sandbox changed, it will be killed and re-created.\n/,
    );
    expect(outputOf(text, 'ps -e -o comm | grep -c -e pause -e shim')).toBe('2\n');
  });
});

describe('more of kubectl', () => {
  it('logs -f follows until the container ends; delete -f; exec -it runs a shell on the terminal', () => {
    const m = createLabMachine({
      files: {
        ...FILES,
        '/root/t/ticker.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: ticker
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: debian:12
    command: ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done"]
`,
      },
    });
    const { text, took } = session(m, [
      'kubectl apply -f /root/t/ticker.yaml',
      'kubectl wait --for=condition=Ready pod/ticker',
      'kubectl logs -f ticker',
      'kubectl delete -f /root/t/ticker.yaml',
      'kubectl apply -f /root/k8s/two-containers.yaml',
      'kubectl wait --for=condition=Ready pod/two',
    ]);
    expect(outputOf(text, 'kubectl logs -f ticker')).toBe('tick 1\ntick 2\ntick 3\n');
    expect(took[2]).toBeGreaterThanOrEqual(2.5);
    expect(took[2]).toBeLessThan(3.5);
    expect(outputOf(text, 'kubectl delete -f /root/t/ticker.yaml')).toBe('pod "ticker" deleted\n');
    const shell = typeInto(m, [
      'kubectl exec -it two -c app -- sh',
      'echo pid=$$ ppid=$PPID',
      'exit 4',
      'echo rc=$?',
    ]);
    expect(shell).toMatch(/echo pid=\$\$ ppid=\$PPID\npid=\d+ ppid=0\n/);
    expect(shell).toMatch(/command terminated with exit code 4\n/);
    // Ctrl-C in a -t session reaches the process in the container, not kubectl.
    const before = m.output().length;
    m.type('kubectl exec -it two -c app -- sleep 50\r');
    m.advance(100_000);
    m.type('\x03');
    m.advance(100_000);
    const after = typeInto(m, ['echo rc=$?']);
    expect(m.output().slice(before)).toContain('command terminated with exit code 130');
    expect(after).toMatch(/rc=130\n/);
    expect(shell).toMatch(/echo rc=\$\?\nrc=4\n/);
  });

  it('apply -f a directory (every example) and a JSON manifest', () => {
    const m = createLabMachine({
      files: {
        '/root/j/pod.json':
          '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "fromjson"},\n  "spec": {"containers": [{"name": "a", "image": "busybox", "command": ["sleep", "60"]}]}\n}\n',
      },
    });
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/',
      'kubectl apply -f /root/j/pod.json',
    ]);
    expect(outputOf(text, 'kubectl apply -f /root/k8s/')).toBe(
      'pod/crashloop created\npod/grace created\npod/orphans-no-share created\npod/orphans created\npod/prestop created\npod/shared created\npod/tini-shared created\npod/two created\n',
    );
    expect(outputOf(text, 'kubectl apply -f /root/j/pod.json')).toBe('pod/fromjson created\n');
  });

  it('get pods -w prints a line each time a pod changes, until Ctrl-C', () => {
    const m = machine();
    session(m, ['kubectl apply -f /root/k8s/grace.yaml']);
    const before = m.output().length;
    m.type('kubectl get pods -w\r');
    m.advance(2_000_000);
    const other = m.openTerminal().tty;
    m.advance(100_000);
    m.type('kubectl delete pod grace --wait=false\r', other);
    m.advance(8_000_000);
    m.type('\x03');
    m.advance(100_000);
    const shown = m.output().slice(before).replace(/\r/g, '');
    // The widths of the first table are remembered; a longer STATUS widens its column.
    expect(shown).toBe(
      'kubectl get pods -w\nNAME    READY   STATUS    RESTARTS   AGE\ngrace   1/1     Running   0          0s\ngrace   1/1     Terminating   0          2s\ngrace   0/1     Terminating   0          8s\n^C\nroot@host:~# ',
    );
  });

  it('kubectl run: a one-container pod; the arguments are args, or the command', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl run web --image=busybox -- sleep 500',
      'kubectl run job --image=debian:12 --restart=Never --command -- sh -c "echo hi"',
      'kubectl run web --image=busybox',
      'kubectl run x',
      'kubectl run x --image=busybox --restart=Sometimes',
      'kubectl wait --for=condition=Ready pod/web',
      'kubectl exec web -- ps -o pid,args',
      'sleep 1',
      'kubectl logs job',
      'kubectl describe pod web',
    ]);
    expect(outputOf(text, 'kubectl run web --image=busybox -- sleep 500')).toBe(
      'pod/web created\n',
    );
    expect(outputOf(text, 'kubectl run web --image=busybox')).toBe(
      'Error from server (AlreadyExists): pods "web" already exists\n',
    );
    expect(outputOf(text, 'kubectl run x')).toBe('error: required flag(s) "image" not set\n');
    expect(outputOf(text, 'kubectl run x --image=busybox --restart=Sometimes')).toBe(
      'error: invalid restart policy: Sometimes\n',
    );
    expect(outputOf(text, 'kubectl exec web -- ps -o pid,args')).toMatch(/ +1 sleep 500\n/);
    expect(outputOf(text, 'kubectl logs job')).toBe('hi\n');
    const d = outputOf(text, 'kubectl describe pod web');
    expect(d).toMatch(/\nLabels: +run=web\n/);
    expect(d).toMatch(/\n {4}Args:\n {6}sleep\n {6}500\n/);
  });

  it('get events', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/grace.yaml',
      'sleep 1',
      'kubectl get events',
    ]);
    expect(outputOf(text, 'kubectl get events')).toBe(
      'LAST SEEN   TYPE     REASON      OBJECT      MESSAGE\n' +
        '1s          Normal   Scheduled   pod/grace   Successfully assigned default/grace to host\n' +
        '1s          Normal   Pulled      pod/grace   Container image "debian:12" already present on machine\n' +
        '1s          Normal   Created     pod/grace   Created container app\n' +
        '1s          Normal   Started     pod/grace   Started container app\n',
    );
  });

  it('the same containerd-shim-runc-v2 binary still runs Docker containers', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run -d --name s debian:12 sleep 1000',
      'docker exec s ps -eo pid,ppid,comm',
      'ps -ef --forest',
      'ps -eo args | grep -c "namespace [m]oby"',
    ]);
    expect(outputOf(text, 'docker exec s ps -eo pid,ppid,comm')).toMatch(/ +1 +0 sleep\n/);
    expect(outputOf(text, 'ps -ef --forest')).toMatch(
      /containerd-shim-runc-v2 -namespace\n.*\\_ sleep 1000\n/,
    );
    expect(outputOf(text, 'ps -eo args | grep -c "namespace [m]oby"')).toBe('1\n');
  });
});

describe('kubectl errors', () => {
  it('prints what kubectl prints, with exit status 1', () => {
    const m = machine();
    const cases: [string, string][] = [
      ['kubectl get pod nope', 'Error from server (NotFound): pods "nope" not found\n'],
      ['kubectl describe pod nope', 'Error from server (NotFound): pods "nope" not found\n'],
      ['kubectl delete pod nope', 'Error from server (NotFound): pods "nope" not found\n'],
      ['kubectl logs nope', 'Error from server (NotFound): pods "nope" not found\n'],
      ['kubectl apply -f /root/nope.yaml', 'error: the path "/root/nope.yaml" does not exist\n'],
      [
        'kubectl apply -f /root/t/badyaml.yaml',
        'error: error parsing /root/t/badyaml.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n',
      ],
      [
        'kubectl apply -f /root/t/unknown.yaml',
        'Error from server (BadRequest): error when creating "/root/t/unknown.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"\n',
      ],
      [
        'kubectl apply -f /root/t/type.yaml',
        'Error from server (BadRequest): error when creating "/root/t/type.yaml": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string\n',
      ],
      [
        'kubectl apply -f /root/t/noimage.yaml',
        'The Pod "x" is invalid: spec.containers[0].image: Required value\n',
      ],
      [
        'kubectl apply -f /root/t/deploy.yaml',
        'error: /root/t/deploy.yaml: kind "Deployment" is not modelled in PID 1 Lab (only Pod)\n',
      ],
      [
        'kubectl apply -f /root/t/init.yaml',
        'error: /root/t/init.yaml: spec.initContainers is not modelled in PID 1 Lab\n',
      ],
      [
        'kubectl apply',
        "error: must specify one of -f and -k\nSee 'kubectl apply -h' for help and examples\n",
      ],
      [
        'kubectl get pods -n kube-system',
        'Error from server (NotFound): namespaces "kube-system" not found\n',
      ],
      [
        'kubectl get deployments',
        'error: the server doesn\'t have a resource type "deployments"\n',
      ],
    ];
    const { text } = session(
      m,
      cases.map(([c]) => `${c}; echo rc=$?`),
    );
    for (const [c, expected] of cases)
      expect(outputOf(text, `${c}; echo rc=$?`)).toBe(`${expected}rc=1\n`);
  });
});

describe('determinism', () => {
  it('the same session gives the same transcript', () => {
    const run = (): string =>
      session(machine(), [
        'kubectl apply -f /root/k8s/shared-pid.yaml',
        'kubectl wait --for=condition=Ready pod/shared',
        'kubectl describe pod shared',
        'kubectl delete pod shared',
        'ps -ef --forest',
      ]).text;
    expect(run()).toBe(run());
  });
});

describe('cleanup', () => {
  it('a deleted pod leaves no object, log or runtime directory behind', () => {
    const m = machine();
    const { text } = session(m, [
      'kubectl apply -f /root/k8s/shared-pid.yaml',
      'kubectl wait --for=condition=Ready pod/shared',
      'ls /run/containerd/io.containerd.runtime.v2.task/k8s.io | wc -l',
      'kubectl delete pod shared',
      'ls /run/containerd/io.containerd.runtime.v2.task/k8s.io /var/lib/kubelet/pods /var/log/pods',
    ]);
    expect(outputOf(text, 'ls /run/containerd/io.containerd.runtime.v2.task/k8s.io | wc -l')).toBe(
      '3\n',
    );
    expect(
      outputOf(
        text,
        'ls /run/containerd/io.containerd.runtime.v2.task/k8s.io /var/lib/kubelet/pods /var/log/pods',
      ),
    ).toBe(
      '/run/containerd/io.containerd.runtime.v2.task/k8s.io:\n\n/var/lib/kubelet/pods:\n\n/var/log/pods:\n',
    );
  });
});
