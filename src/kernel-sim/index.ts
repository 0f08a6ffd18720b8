/**
 * The kernel model's public API: the only module the rest of the lab imports.
 * See ARCHITECTURE.md for the map of rules to files.
 */
export { Kernel } from './kernel.ts';
export type { KernelOptions, KernelSnapshot } from './kernel.ts';
export type { TtyOutputListener, TraceListener } from './core.ts';
export type { TaskId, NsId, Pid, CgroupId, Micros, Errno } from './types.ts';
export {
  ERRNO_TEXT,
  InvariantViolation,
  MAX_PID_NS_LEVEL,
  PID_MAX_DEFAULT,
  PID_MAX_LIMIT,
  RESERVED_PIDS,
  isErrno,
} from './types.ts';
export * from './signals.ts';
export { RULES, ruleOf } from './rules.ts';
export type { Rule, RuleId } from './rules.ts';
export type { TraceEvent, TraceEventType } from './trace.ts';
export { explainEvent, describePid } from './explain.ts';
export type { Explanation } from './explain.ts';
export type { ProcEntry, ProcView, ProcState, ProcessRow } from './views.ts';
export type { SigInfo, TaskRef, Block, RunState } from './state.ts';
export { SA_NOCLDSTOP, SA_NOCLDWAIT, SA_RESETHAND, SA_RESTART } from './state.ts';
export { BLOCKED, WCONTINUED, WNOHANG, WNOWAIT, WUNTRACED } from './programs/abi.ts';
export type {
  Blocked,
  DispositionName,
  ForkSpec,
  Program,
  ProgramContext,
  ProgramRegistry,
  FileStat,
  FileSystemView,
  WaitResult,
  WakeEvent,
} from './programs/abi.ts';
export type { PuppetState } from './programs/builtin.ts';
export { parseSleepArgs } from './programs/builtin.ts';
export { DEFAULT_PATH, normalizePath } from './fs.ts';
export {
  CONTINUED_STATUS,
  exitedStatus,
  shellExitCode,
  signaledStatus,
  stoppedStatus,
  wexitstatus,
  wifcontinued,
  wifexited,
  wifsignaled,
  wifstopped,
  wtermsig,
} from './wait.ts';
