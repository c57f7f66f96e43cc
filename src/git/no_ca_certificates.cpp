// Linked into the executable only when the shared libgit2 it uses was built with mbedTLS
// (CMakeLists.txt). git_libgit2_init() then parses the system's whole CA bundle (~200 kB of
// PEM) before any repository is opened: 4-5 ms of every run, a tenth of a hook's budget.
// migline reads local repositories only and never opens a TLS connection, so the executable
// defines the one function that loads the bundle, and the dynamic linker binds libgit2's
// call to this definition. Should a TLS connection ever be made, it would trust no
// certificate and fail: nothing is trusted that should not be (docs/decisions.md, issue 15).

#include <mbedtls/x509_crt.h>

extern "C" int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* chain, const char* path) {
  (void)chain;
  (void)path;
  return 0;  // an empty chain, as mbedtls_x509_crt_init() left it
}
