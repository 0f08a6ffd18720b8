/**
 * Models of application runtimes as PID 1: Node.js, Go (binaries and `go run`), CPython and
 * ImageMagick, with the files they run. Add them to a machine with
 * `createLabMachine({ programs: APP_PROGRAMS, binaries: APP_BINARIES, files: APP_FILES })`.
 */
import type { Program } from '../../kernel-sim/index.ts';
import { convert, gs } from './convert.ts';
import { GO_BINARY_SOURCES, GO_RUN_EXE, GO_TOOL_DIR, goApp, goTool } from './go.ts';
import { node } from './node.ts';
import { python } from './python.ts';
import { specApp } from './spec-app.ts';
import { nginx } from './nginx.ts';

export { APP_FILES } from './files.ts';
export { parseNodeScript } from './node.ts';
export { parseGoMain } from './go.ts';
export { parsePython } from './python.ts';
export { parseNginxConf } from './nginx.ts';
export { parseAppSpec, SPEC_APP_DEFAULT } from './spec-app.ts';
export type { AppSpec } from './spec-app.ts';

export const APP_PROGRAMS: Program[] = [
  node,
  goApp,
  goTool,
  python,
  convert,
  gs,
  specApp,
  nginx,
] as Program[];

export const APP_BINARIES: Record<string, string> = {
  '/usr/bin/node': 'node',
  '/usr/local/bin/node': 'node',
  '/usr/bin/nodejs': 'node',
  '/usr/local/go/bin/go': 'go',
  '/usr/bin/go': 'go',
  [`${GO_TOOL_DIR}/compile`]: 'go',
  [`${GO_TOOL_DIR}/link`]: 'go',
  [GO_RUN_EXE]: 'go-app',
  ...Object.fromEntries(Object.keys(GO_BINARY_SOURCES).map((p) => [p, 'go-app'])),
  '/usr/bin/python3': 'python3',
  '/usr/bin/python3.11': 'python3',
  '/usr/local/bin/python3': 'python3',
  '/usr/bin/python': 'python3',
  '/usr/bin/convert': 'convert',
  '/usr/bin/gs': 'gs',
  '/usr/local/bin/app': 'spec-app',
  '/usr/sbin/nginx': 'nginx',
};
