#ifndef CGEOS_SHIM_H
#define CGEOS_SHIM_H
// GEOS's C API; the thread-safe _r functions are the only ones our Swift code calls.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
