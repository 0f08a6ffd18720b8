/**
 * Identity and number types of the kernel model.
 *
 * A task's identity is never its PID (style rule 3, after Linux's struct pid / upid and gVisor's
 * IDOfTask): tasks are keyed by an opaque TaskId, and a Pid only exists relative to a PID
 * namespace. The brands keep the three kinds of number from being mixed up by accident.
 */

declare const taskIdBrand: unique symbol;
declare const nsIdBrand: unique symbol;
declare const pidBrand: unique symbol;
declare const cgroupIdBrand: unique symbol;

/** Opaque identity of a task (and of the struct pid it was created with). Never reused. */
export type TaskId = number & { readonly [taskIdBrand]: true };
/** Opaque identity of a PID namespace. */
export type NsId = number & { readonly [nsIdBrand]: true };
/** A process ID as seen from one PID namespace; 0 means "not visible from there". */
export type Pid = number & { readonly [pidBrand]: true };
/** Opaque identity of a pids cgroup. */
export type CgroupId = number & { readonly [cgroupIdBrand]: true };

export const asTaskId = (n: number): TaskId => n as TaskId;
export const asNsId = (n: number): NsId => n as NsId;
export const asPid = (n: number): Pid => n as Pid;
export const asCgroupId = (n: number): CgroupId => n as CgroupId;

/** Virtual time in microseconds since the simulated machine booted. */
export type Micros = number;

/** Errors a syscall can return, named as in errno(3). Never thrown: returned as values. */
export type Errno =
  | 'EPERM'
  | 'ESRCH'
  | 'EINTR'
  | 'ECHILD'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'EINVAL'
  | 'ENOSPC'
  | 'ENOENT'
  | 'EBADF'
  | 'EPIPE'
  | 'ENOTTY'
  | 'EIO'
  | 'EISDIR'
  | 'ENOTDIR'
  | 'EEXIST'
  | 'EMFILE'
  | 'ENOEXEC'
  | 'ENXIO'
  | 'ENOTEMPTY'
  | 'EBUSY';

export const ERRNO_TEXT: Readonly<Record<Errno, string>> = {
  EPERM: 'Operation not permitted',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  ECHILD: 'No child processes',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ENOENT: 'No such file or directory',
  EBADF: 'Bad file descriptor',
  EPIPE: 'Broken pipe',
  ENOTTY: 'Inappropriate ioctl for device',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EMFILE: 'Too many open files',
  ENOEXEC: 'Exec format error',
  ENXIO: 'No such device or address',
  ENOTEMPTY: 'Directory not empty',
  EBUSY: 'Device or resource busy',
};

export const isErrno = (v: unknown): v is Errno => typeof v === 'string' && v in ERRNO_TEXT;

/** Thrown only for states that must be impossible (a bug in the model, never a user error). */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** Limits from include/linux/threads.h, include/linux/pid.h and kernel/pid_namespace.c. */
export const PID_MAX_DEFAULT = 0x8000; // 32768
export const PID_MAX_LIMIT = 4 * 1024 * 1024; // 4194304 on 64-bit
export const RESERVED_PIDS = 300;
/** pid_max may not be set below this (kernel/pid.c pid_max_min, with 2 CPUs: max(301, 8*2)). */
export const PID_MAX_MIN = RESERVED_PIDS + 1;
/** MAX_PID_NS_LEVEL: namespaces nest at most 32 levels below the root. */
export const MAX_PID_NS_LEVEL = 32;
