/* An LD_PRELOAD shim for the fault-injection tests: makes the N-th call of one kind fail.
 *
 *   MIGLINE_FAULT_CALL   write | rename | fsync | open   (fsync counts fdatasync and syncfs;
 *                        open counts open, open64, openat, openat64; write only counts writes
 *                        to descriptors above 2, so that the error message still gets out)
 *   MIGLINE_FAULT_N      the call that fails, from 1; 0 or unset: none fails
 *   MIGLINE_FAULT_ERRNO  ENOSPC (default) or EIO
 *   MIGLINE_FAULT_COUNT  a file that receives the number of such calls made, at exit
 *
 * Only a process whose executable is named "migline" is affected, so that git (which runs
 * the hook) works normally. Calls libc makes internally (mkstemp's open) are not seen. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int active = -1;
static const char* kind = "";
static long fail_at = 0;
static int fail_errno = ENOSPC;
static long calls = 0;

static void setup(void) {
  if (active != -1) return;
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  const char* base = strrchr(exe, '/');
  base = base ? base + 1 : exe;
  const char* k = getenv("MIGLINE_FAULT_CALL");
  active = strcmp(base, "migline") == 0 && k != NULL && *k != '\0';
  if (!active) return;
  kind = k;
  const char* at = getenv("MIGLINE_FAULT_N");
  fail_at = at ? atol(at) : 0;
  const char* e = getenv("MIGLINE_FAULT_ERRNO");
  fail_errno = e && strcmp(e, "EIO") == 0 ? EIO : ENOSPC;
}

/* True when this call of kind `k` is the one that must fail; counts it either way. */
static int should_fail(const char* k) {
  setup();
  if (!active || strcmp(kind, k) != 0) return 0;
  ++calls;
  if (calls != fail_at) return 0;
  errno = fail_errno;
  return 1;
}

__attribute__((destructor)) static void report(void) {
  const char* path = getenv("MIGLINE_FAULT_COUNT");
  if (active != 1 || path == NULL || *path == '\0') return;
  char text[32];
  int len = snprintf(text, sizeof text, "%ld\n", calls);
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  (void)syscall(SYS_write, fd, text, (size_t)len);
  (void)syscall(SYS_close, fd);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void* buf, size_t count) {
  if (fd > 2 && should_fail("write")) return -1;
  return REAL(write)(fd, buf, count);
}

int rename(const char* from, const char* to) {
  if (should_fail("rename")) return -1;
  return REAL(rename)(from, to);
}

int renameat(int from_dir, const char* from, int to_dir, const char* to) {
  if (should_fail("rename")) return -1;
  return REAL(renameat)(from_dir, from, to_dir, to);
}

int fsync(int fd) {
  if (should_fail("fsync")) return -1;
  return REAL(fsync)(fd);
}

int fdatasync(int fd) {
  if (should_fail("fsync")) return -1;
  return REAL(fdatasync)(fd);
}

int syncfs(int fd) {
  if (should_fail("fsync")) return -1;
  return REAL(syncfs)(fd);
}

static mode_t mode_of(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(args, int) : 0;
}

int open(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_of(flags, args);
  va_end(args);
  if (should_fail("open")) return -1;
  return REAL(open)(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_of(flags, args);
  va_end(args);
  if (should_fail("open")) return -1;
  return REAL(open64)(path, flags, mode);
}

int openat(int dir, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_of(flags, args);
  va_end(args);
  if (should_fail("open")) return -1;
  return REAL(openat)(dir, path, flags, mode);
}

int openat64(int dir, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_of(flags, args);
  va_end(args);
  if (should_fail("open")) return -1;
  return REAL(openat64)(dir, path, flags, mode);
}
