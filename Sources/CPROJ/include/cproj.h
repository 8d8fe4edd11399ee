#ifndef CPROJ_H
#define CPROJ_H
// PROJ, loaded on first use instead of at process start.
//
// Linking libproj pulls in about 40 shared libraries (curl, TLS, TIFF, ...) and costs
// every eplan process ~11 ms before main, even the many commands that never transform a
// coordinate. So libproj is opened with dlopen when a CRS is first needed, and Swift
// calls PROJ through the cproj_* functions below, one per PROJ function we use, each
// forwarding to the symbol found in the library. The types come from PROJ's own headers.
#include <proj.h>
#include <geodesic.h>

/// Loads libproj once (thread-safe). Returns 1 when PROJ is usable, 0 otherwise; then
/// cproj_load_error() says why (dlerror's text).
int cproj_load(void);
const char *cproj_load_error(void);
/// 1 once libproj has been opened successfully, without trying to open it.
int cproj_is_loaded(void);

PJ_CONTEXT *cproj_context_create(void);
PJ_CONTEXT *cproj_context_destroy(PJ_CONTEXT *ctx);
int cproj_context_errno(PJ_CONTEXT *ctx);
const char *cproj_context_errno_string(PJ_CONTEXT *ctx, int err);
const char *cproj_context_get_database_path(PJ_CONTEXT *ctx);
int cproj_context_set_enable_network(PJ_CONTEXT *ctx, int enabled);
void cproj_context_set_search_paths(PJ_CONTEXT *ctx, int count, const char *const *paths);
PJ_LOG_LEVEL cproj_log_level(PJ_CONTEXT *ctx, PJ_LOG_LEVEL level);
PJ_INFO cproj_info(void);
PJ *cproj_create_crs_to_crs(PJ_CONTEXT *ctx, const char *source, const char *target, PJ_AREA *area);
PJ *cproj_normalize_for_visualization(PJ_CONTEXT *ctx, const PJ *obj);
PJ *cproj_create(PJ_CONTEXT *ctx, const char *definition);
int cproj_get_area_of_use(PJ_CONTEXT *ctx, const PJ *obj, double *west, double *south, double *east, double *north,
                          const char **name);
PJ *cproj_destroy(PJ *p);
int cproj_errno(const PJ *p);
int cproj_errno_reset(const PJ *p);
PJ_COORD cproj_trans(PJ *p, PJ_DIRECTION direction, PJ_COORD coord);
size_t cproj_trans_generic(PJ *p, PJ_DIRECTION direction,
                           double *x, size_t sx, size_t nx, double *y, size_t sy, size_t ny,
                           double *z, size_t sz, size_t nz, double *t, size_t st, size_t nt);
void cgeod_init(struct geod_geodesic *g, double a, double f);
void cgeod_inverse(const struct geod_geodesic *g, double lat1, double lon1, double lat2, double lon2,
                   double *ps12, double *pazi1, double *pazi2);
void cgeod_polygonarea(const struct geod_geodesic *g, double lats[], double lons[], int n,
                       double *pA, double *pP);
#endif
