#pragma once

#include <sys/stat.h>

#include <ctime>

namespace migline {

// The modification time of a stat result, to the nanosecond (st_mtim in POSIX 2008,
// st_mtimespec on macOS).
inline timespec modified_time(const struct stat& st) {
#ifdef __APPLE__
  return st.st_mtimespec;
#else
  return st.st_mtim;
#endif
}

// The status-change time of a stat result, to the nanosecond (st_ctim; st_ctimespec on macOS).
inline timespec changed_time(const struct stat& st) {
#ifdef __APPLE__
  return st.st_ctimespec;
#else
  return st.st_ctim;
#endif
}

}  // namespace migline
