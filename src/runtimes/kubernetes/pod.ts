/**
 * A Pod manifest, decoded and validated the way the API server does it (strict field
 * validation, kubectl's default since 1.27): the JSON types of k8s.io/api/core/v1 (a wrong type
 * is the Go decoder's "cannot unmarshal" error), unknown fields refused ("strict decoding
 * error"), then the checks of pkg/apis/core/validation (names, required fields, enums).
 * Only the part of the Pod schema that the lab models is accepted; fields the lab does not
 * model and that would change what happens to processes (init containers, probes, hostPID,
 * postStart...) are refused with a message saying so, and harmless ones (labels, ports,
 * resources, volumes...) are accepted and ignored.
 */
import type { YamlValue } from './yaml.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  /** Replaces the image's ENTRYPOINT (null: keep it). */
  readonly command: readonly string[] | null;
  /** Replaces the image's CMD (null: keep it, unless command is set). */
  readonly args: readonly string[] | null;
  readonly env: readonly EnvVar[];
  readonly workingDir: string | null;
  /** lifecycle.preStop.exec.command */
  readonly preStop: readonly string[] | null;
  readonly stdin: boolean;
  readonly tty: boolean;
}

export interface PodSpec {
  readonly containers: readonly ContainerSpec[];
  readonly shareProcessNamespace: boolean;
  /** Seconds; the API server's default is 30. */
  readonly terminationGracePeriodSeconds: number;
  readonly restartPolicy: RestartPolicy;
}

export interface PodManifest {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: PodSpec;
}

/** What went wrong, in the words kubectl prints (without the "error: " prefix decisions). */
export type ManifestError =
  | { readonly kind: 'decode'; readonly message: string }
  | { readonly kind: 'invalid'; readonly name: string; readonly causes: readonly string[] }
  | { readonly kind: 'validate'; readonly message: string }
  | { readonly kind: 'unsupported'; readonly message: string };

// ------------------------------------------------------------------ the schema

type Schema =
  | { readonly t: 'string' | 'int64' | 'bool' | 'any' }
  | { readonly t: 'object'; readonly go: string; readonly fields: Readonly<Record<string, Schema>> }
  | { readonly t: 'array'; readonly of: Schema; readonly go: string }
  | { readonly t: 'map'; readonly go: string }
  | { readonly t: 'unsupported' };

const S = { t: 'string' } as const;
const I = { t: 'int64' } as const;
const B = { t: 'bool' } as const;
const ANY = { t: 'any' } as const;
const NO = { t: 'unsupported' } as const;
const strings = { t: 'array', of: S, go: '[]string' } as const;
const obj = (go: string, fields: Record<string, Schema>): Schema => ({ t: 'object', go, fields });
const arr = (of: Schema, go: string): Schema => ({ t: 'array', of, go });
const labels = { t: 'map', go: 'map[string]string' } as const;

const EXEC_HANDLER = obj('LifecycleHandler', {
  exec: obj('ExecAction', { command: strings }),
  httpGet: NO,
  tcpSocket: NO,
  sleep: NO,
});

const CONTAINER = obj('Container', {
  name: S,
  image: S,
  command: strings,
  args: strings,
  workingDir: S,
  env: arr(obj('EnvVar', { name: S, value: S, valueFrom: NO }), '[]v1.EnvVar'),
  lifecycle: obj('Lifecycle', { preStop: EXEC_HANDLER, postStart: NO, stopSignal: NO }),
  stdin: B,
  stdinOnce: B,
  tty: B,
  // accepted and ignored: they do not change what happens to processes in the lab
  imagePullPolicy: S,
  ports: ANY,
  resources: ANY,
  volumeMounts: ANY,
  securityContext: ANY,
  terminationMessagePath: S,
  terminationMessagePolicy: S,
  envFrom: NO,
  livenessProbe: NO,
  readinessProbe: NO,
  startupProbe: NO,
  restartPolicy: NO,
});

const POD = obj('Pod', {
  apiVersion: S,
  kind: S,
  metadata: obj('ObjectMeta', {
    name: S,
    namespace: S,
    labels,
    annotations: labels,
    generateName: NO,
  }),
  spec: obj('PodSpec', {
    containers: arr(CONTAINER, '[]v1.Container'),
    shareProcessNamespace: B,
    terminationGracePeriodSeconds: I,
    restartPolicy: S,
    // accepted and ignored
    volumes: ANY,
    dnsPolicy: S,
    nodeSelector: labels,
    nodeName: S,
    tolerations: ANY,
    serviceAccountName: S,
    securityContext: ANY,
    hostname: S,
    enableServiceLinks: B,
    // not modelled
    initContainers: NO,
    ephemeralContainers: NO,
    hostPID: NO,
    hostNetwork: NO,
    activeDeadlineSeconds: NO,
  }),
  status: ANY,
});

const jsonType = (v: YamlValue): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'object'
        ? 'object'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v;

/**
 * Checks `v` against the schema: the first type error (as encoding/json words it, with the Go
 * struct field path), unknown fields (strict decoding) and fields the lab does not model.
 */
function check(
  v: YamlValue,
  schema: Schema,
  path: string,
  goPath: string,
  goOwner: string,
  out: { type?: string; unknown: string[]; unsupported: string[] },
): void {
  if (v === null || schema.t === 'any') return;
  const typeError = (goType: string): void => {
    out.type ??= `json: cannot unmarshal ${jsonType(v)} into Go struct field ${goOwner}.${goPath} of type ${goType}`;
  };
  switch (schema.t) {
    case 'unsupported':
      out.unsupported.push(path);
      return;
    case 'string':
      if (typeof v !== 'string') typeError('string');
      return;
    case 'bool':
      if (typeof v !== 'boolean') typeError('bool');
      return;
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v)) typeError('int64');
      return;
    case 'map':
      if (typeof v !== 'object' || Array.isArray(v)) {
        typeError(schema.go);
        return;
      }
      for (const x of Object.values(v))
        if (typeof x !== 'string' && x !== null) typeError('string');
      return;
    case 'array':
      if (!Array.isArray(v)) {
        typeError(schema.go);
        return;
      }
      v.forEach((x, i) => check(x, schema.of, `${path}[${i}]`, goPath, goOwner, out));
      return;
    case 'object':
      if (typeof v !== 'object' || Array.isArray(v)) {
        typeError(`v1.${schema.go}`);
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        const f = schema.fields[k];
        const p = path === '' ? k : `${path}.${k}`;
        if (!f) {
          out.unknown.push(p);
          continue;
        }
        check(x, f, p, goPath === '' ? k : `${goPath}.${k}`, schema.go, out);
      }
      return;
  }
}

// ------------------------------------------------------------------ validation

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage = (field: string, v: string): string =>
  `${field}: Invalid value: "${v}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
const labelMessage = (field: string, v: string): string =>
  `${field}: Invalid value: "${v}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;

type Obj = Record<string, YamlValue>;
const asObj = (v: YamlValue | undefined): Obj =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {};
const asStrings = (v: YamlValue | undefined): string[] | null =>
  Array.isArray(v) ? v.map((x) => (x === null ? '' : String(x))) : null;

/** Decodes and validates one YAML document as a Pod. */
export function decodePod(doc: YamlValue): PodManifest | ManifestError {
  const top = asObj(doc);
  if (typeof top.apiVersion !== 'string' || top.apiVersion === '' || top.kind === undefined)
    return {
      kind: 'validate',
      message: `error validating data: ${top.apiVersion === undefined || top.apiVersion === '' ? 'apiVersion' : 'kind'} not set`,
    };
  if (top.kind !== 'Pod')
    return {
      kind: 'unsupported',
      message: `kind "${String(top.kind)}" is not modelled in PID 1 Lab (only Pod)`,
    };
  if (top.apiVersion !== 'v1')
    return {
      kind: 'unsupported',
      message: `no matches for kind "Pod" in version "${top.apiVersion}"`,
    };
  const found: { type?: string; unknown: string[]; unsupported: string[] } = {
    unknown: [],
    unsupported: [],
  };
  check(doc, POD, '', '', 'Pod', found);
  if (found.type !== undefined) return { kind: 'decode', message: found.type };
  if (found.unknown.length > 0)
    return {
      kind: 'decode',
      message: `strict decoding error: ${found.unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
    };
  if (found.unsupported.length > 0)
    return {
      kind: 'unsupported',
      message: `${found.unsupported[0]!.replace(/\[\d+\]/g, '[*]')} is not modelled in PID 1 Lab`,
    };
  const meta = asObj(top.metadata);
  const spec = asObj(top.spec);
  const name = typeof meta.name === 'string' ? meta.name : '';
  const causes: string[] = [];
  if (name === '') causes.push('metadata.name: Required value: name or generateName is required');
  else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)
    causes.push(subdomainMessage('metadata.name', name));
  const rawContainers = Array.isArray(spec.containers) ? spec.containers : [];
  if (rawContainers.length === 0) causes.push('spec.containers: Required value');
  const seen = new Set<string>();
  const containers: ContainerSpec[] = rawContainers.map((raw, i) => {
    const c = asObj(raw);
    const field = `spec.containers[${i}]`;
    const cname = typeof c.name === 'string' ? c.name : '';
    if (cname === '') causes.push(`${field}.name: Required value`);
    else if (!DNS1123_LABEL.test(cname) || cname.length > 63)
      causes.push(labelMessage(`${field}.name`, cname));
    else if (seen.has(cname)) causes.push(`${field}.name: Duplicate value: "${cname}"`);
    seen.add(cname);
    const image = typeof c.image === 'string' ? c.image.trim() : '';
    if (image === '') causes.push(`${field}.image: Required value`);
    const env: EnvVar[] = [];
    (Array.isArray(c.env) ? c.env : []).forEach((e, j) => {
      const o = asObj(e);
      const n = typeof o.name === 'string' ? o.name : '';
      if (n === '') causes.push(`${field}.env[${j}].name: Required value`);
      env.push({ name: n, value: typeof o.value === 'string' ? o.value : '' });
    });
    const preStopExec = asObj(asObj(asObj(c.lifecycle).preStop).exec);
    const preStop = asStrings(preStopExec.command);
    if (asObj(c.lifecycle).preStop !== undefined && (preStop === null || preStop.length === 0))
      causes.push(`${field}.lifecycle.preStop: Required value: must specify a handler type`);
    return {
      name: cname,
      image,
      command: asStrings(c.command),
      args: asStrings(c.args),
      env,
      workingDir: typeof c.workingDir === 'string' && c.workingDir !== '' ? c.workingDir : null,
      preStop: preStop && preStop.length > 0 ? preStop : null,
      stdin: c.stdin === true,
      tty: c.tty === true,
    };
  });
  const restart = spec.restartPolicy ?? 'Always';
  if (restart !== 'Always' && restart !== 'OnFailure' && restart !== 'Never')
    causes.push(
      `spec.restartPolicy: Unsupported value: "${String(restart)}": supported values: "Always", "Never", "OnFailure"`,
    );
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  if (typeof grace === 'number' && grace < 0)
    causes.push(
      `spec.terminationGracePeriodSeconds: Invalid value: ${grace}: must be greater than or equal to 0`,
    );
  const namespace =
    typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  if (causes.length > 0) return { kind: 'invalid', name, causes };
  const lbls: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObj(meta.labels))) lbls[k] = v === null ? '' : String(v);
  return {
    name,
    namespace,
    labels: lbls,
    spec: {
      containers,
      shareProcessNamespace: spec.shareProcessNamespace === true,
      terminationGracePeriodSeconds: typeof grace === 'number' ? grace : 30,
      restartPolicy: restart as RestartPolicy,
    },
  };
}

/** "The Pod "x" is invalid: a" or with several causes "...: [a, b]" (field.ErrorList aggregate). */
export function invalidText(name: string, causes: readonly string[]): string {
  const body = causes.length === 1 ? causes[0]! : `[${causes.join(', ')}]`;
  return `The Pod "${name}" is invalid: ${body}`;
}
