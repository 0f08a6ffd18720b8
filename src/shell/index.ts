/** The shells of the lab: dash, bash and busybox ash on one resumable interpreter. */
export { SHELL_BINARIES, SHELL_PROGRAMS, bash, busybox, dash } from './programs.ts';
export { parseNext, parseProgram } from './parser.ts';
export type { Node, Word, SyntaxError } from './ast.ts';
export type { ShState, Flavor } from './state.ts';
