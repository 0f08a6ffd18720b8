/**
 * The example pod manifests of the lessons, installed as /root/k8s/<name> (data, not code).
 */
export const EXAMPLE_MANIFESTS: Readonly<Record<string, string>> = {
  'two-containers.yaml': `# Two containers, each in a PID namespace of its own (the default):
# each container's command is PID 1 of its own namespace.
apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  containers:
  - name: app
    image: debian:12
    command: ["sleep", "1000"]
  - name: sidecar
    image: busybox
    command: ["sleep", "2000"]
`,
  'shared-pid.yaml': `# The same pod with one PID namespace for all its containers:
# /pause is PID 1, and none of the app containers is.
apiVersion: v1
kind: Pod
metadata:
  name: shared
spec:
  shareProcessNamespace: true
  containers:
  - name: app
    image: debian:12
    command: ["sleep", "1000"]
  - name: sidecar
    image: busybox
    command: ["sleep", "2000"]
`,
  'orphans.yaml': `# The app leaves an orphan behind: "(sleep 5 &)" forks a subshell that starts
# sleep 5 and exits at once. With a shared PID namespace the orphan is adopted by
# /pause, which reaps it when it exits.
apiVersion: v1
kind: Pod
metadata:
  name: orphans
spec:
  shareProcessNamespace: true
  containers:
  - name: app
    image: debian:12
    command: ["sh", "-c", "(sleep 5 &); exec sleep 1000"]
`,
  'orphans-no-share.yaml': `# The same app in a PID namespace of its own: the orphan is adopted by the
# container's PID 1, sleep 1000, which never calls wait(): it stays a zombie.
apiVersion: v1
kind: Pod
metadata:
  name: orphans-no-share
spec:
  containers:
  - name: app
    image: debian:12
    command: ["sh", "-c", "(sleep 5 &); exec sleep 1000"]
`,
  'tini-shared.yaml': `# tini as the entrypoint of a container in a shared PID namespace: tini is not
# PID 1 (pause is), so it warns unless it registers as a child subreaper (-s).
apiVersion: v1
kind: Pod
metadata:
  name: tini-shared
spec:
  shareProcessNamespace: true
  containers:
  - name: plain
    image: debian:12
    command: ["tini", "--", "sleep", "1000"]
  - name: subreaper
    image: debian:12
    command: ["tini", "-s", "--", "sleep", "2000"]
`,
  'prestop.yaml': `# A preStop hook runs inside the container before the stop signal; the grace
# period (30 s by default) counts from the start of the hook.
apiVersion: v1
kind: Pod
metadata:
  name: prestop
spec:
  containers:
  - name: app
    image: debian:12
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    lifecycle:
      preStop:
        exec:
          command: ["sleep", "5"]
`,
  'grace.yaml': `# sleep is PID 1 of its container and has no handler for SIGTERM: the signal is
# dropped, and the kubelet sends SIGKILL when the 5 s grace period is over (exit 137).
apiVersion: v1
kind: Pod
metadata:
  name: grace
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: app
    image: debian:12
    command: ["sleep", "1000"]
`,
  'crashloop.yaml': `# A container that exits with status 1: restartPolicy Always restarts it at once,
# then after a back-off of 10 s, 20 s, 40 s ... (at most 5 min): CrashLoopBackOff.
apiVersion: v1
kind: Pod
metadata:
  name: crashloop
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo starting; exit 1"]
`,
};
