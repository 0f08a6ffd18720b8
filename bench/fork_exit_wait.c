/*
 * The real kernel's fork/exit/wait cycle, as a yardstick for the model's fork-exit-reap figure.
 * The parent forks, the child calls _exit(0), the parent reaps it with waitpid() and checks the
 * PID and status, for about one second (argument 1: seconds, default 1). Prints the cycles per
 * second as a bare integer on stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cycle(void) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return -1;
  }
  if (pid == 0) _exit(0);
  int status = -1;
  pid_t got = waitpid(pid, &status, 0);
  if (got != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "waitpid(%d) returned %d, status %d\n", (int)pid, (int)got, status);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  if (seconds <= 0) seconds = 1.0;

  /* Warm-up: a tenth of the measured time. */
  double warm_end = now_seconds() + seconds / 10;
  while (now_seconds() < warm_end)
    if (cycle() != 0) return 1;

  long cycles = 0;
  double start = now_seconds();
  double elapsed = 0;
  do {
    for (int i = 0; i < 100; i++)
      if (cycle() != 0) return 1;
    cycles += 100;
    elapsed = now_seconds() - start;
  } while (elapsed < seconds);

  printf("%.0f\n", (double)cycles / elapsed);
  return 0;
}
