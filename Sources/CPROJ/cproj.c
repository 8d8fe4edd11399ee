// See cproj.h for why PROJ is opened with dlopen. Every pointer below is set once,
// under pthread_once, before cproj_load() returns 1; callers load before calling.
#include "cproj.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define CPROJ_FUNCTIONS(X) \
    X(PJ_CONTEXT *, proj_context_create, (void)) \
    X(PJ_CONTEXT *, proj_context_destroy, (PJ_CONTEXT *)) \
    X(int, proj_context_errno, (PJ_CONTEXT *)) \
    X(const char *, proj_context_errno_string, (PJ_CONTEXT *, int)) \
    X(const char *, proj_context_get_database_path, (PJ_CONTEXT *)) \
    X(int, proj_context_set_enable_network, (PJ_CONTEXT *, int)) \
    X(void, proj_context_set_search_paths, (PJ_CONTEXT *, int, const char *const *)) \
    X(PJ_LOG_LEVEL, proj_log_level, (PJ_CONTEXT *, PJ_LOG_LEVEL)) \
    X(PJ_INFO, proj_info, (void)) \
    X(PJ *, proj_create_crs_to_crs, (PJ_CONTEXT *, const char *, const char *, PJ_AREA *)) \
    X(PJ *, proj_normalize_for_visualization, (PJ_CONTEXT *, const PJ *)) \
    X(PJ *, proj_create, (PJ_CONTEXT *, const char *)) \
    X(int, proj_get_area_of_use, (PJ_CONTEXT *, const PJ *, double *, double *, double *, double *, const char **)) \
    X(PJ *, proj_destroy, (PJ *)) \
    X(int, proj_errno, (const PJ *)) \
    X(int, proj_errno_reset, (const PJ *)) \
    X(PJ_COORD, proj_trans, (PJ *, PJ_DIRECTION, PJ_COORD)) \
    X(size_t, proj_trans_generic, (PJ *, PJ_DIRECTION, double *, size_t, size_t, double *, size_t, size_t, \
                                   double *, size_t, size_t, double *, size_t, size_t)) \
    X(void, geod_init, (struct geod_geodesic *, double, double)) \
    X(void, geod_inverse, (const struct geod_geodesic *, double, double, double, double, double *, double *, double *)) \
    X(void, geod_polygonarea, (const struct geod_geodesic *, double[], double[], int, double *, double *))

#define DECLARE(ret, name, args) static ret (*p_##name) args;
CPROJ_FUNCTIONS(DECLARE)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_error[512] = "libproj has not been loaded";

static void load_once(void) {
    // The versioned name first (the runtime package), then the development symlink.
    const char *names[] = { "libproj.so.25", "libproj.so", "libproj.so.22", "libproj.so.19", "libproj.dylib" };
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot open libproj: %s", e ? e : "unknown error");
        return;
    }
#define RESOLVE(ret, name, args) \
    p_##name = (ret (*) args)dlsym(lib, #name); \
    if (!p_##name) { snprintf(load_error, sizeof load_error, "libproj lacks %s", #name); return; }
    CPROJ_FUNCTIONS(RESOLVE)
    load_error[0] = 0;
    __atomic_store_n(&loaded, 1, __ATOMIC_RELEASE);
}

int cproj_load(void) { pthread_once(&once, load_once); return loaded; }
const char *cproj_load_error(void) { return load_error; }
int cproj_is_loaded(void) { return __atomic_load_n(&loaded, __ATOMIC_ACQUIRE); }

PJ_CONTEXT *cproj_context_create(void) { return p_proj_context_create(); }
PJ_CONTEXT *cproj_context_destroy(PJ_CONTEXT *c) { return p_proj_context_destroy(c); }
int cproj_context_errno(PJ_CONTEXT *c) { return p_proj_context_errno(c); }
const char *cproj_context_errno_string(PJ_CONTEXT *c, int e) { return p_proj_context_errno_string(c, e); }
const char *cproj_context_get_database_path(PJ_CONTEXT *c) { return p_proj_context_get_database_path(c); }
int cproj_context_set_enable_network(PJ_CONTEXT *c, int e) { return p_proj_context_set_enable_network(c, e); }
void cproj_context_set_search_paths(PJ_CONTEXT *c, int n, const char *const *p) { p_proj_context_set_search_paths(c, n, p); }
PJ_LOG_LEVEL cproj_log_level(PJ_CONTEXT *c, PJ_LOG_LEVEL l) { return p_proj_log_level(c, l); }
PJ_INFO cproj_info(void) { return p_proj_info(); }
PJ *cproj_create_crs_to_crs(PJ_CONTEXT *c, const char *s, const char *t, PJ_AREA *a) { return p_proj_create_crs_to_crs(c, s, t, a); }
PJ *cproj_normalize_for_visualization(PJ_CONTEXT *c, const PJ *o) { return p_proj_normalize_for_visualization(c, o); }
PJ *cproj_create(PJ_CONTEXT *c, const char *definition) { return p_proj_create(c, definition); }
int cproj_get_area_of_use(PJ_CONTEXT *c, const PJ *o, double *w, double *s, double *e, double *n, const char **name) {
    return p_proj_get_area_of_use(c, o, w, s, e, n, name);
}
PJ *cproj_destroy(PJ *p) { return p_proj_destroy(p); }
int cproj_errno(const PJ *p) { return p_proj_errno(p); }
int cproj_errno_reset(const PJ *p) { return p_proj_errno_reset(p); }
PJ_COORD cproj_trans(PJ *p, PJ_DIRECTION d, PJ_COORD c) { return p_proj_trans(p, d, c); }
size_t cproj_trans_generic(PJ *p, PJ_DIRECTION d, double *x, size_t sx, size_t nx, double *y, size_t sy, size_t ny,
                           double *z, size_t sz, size_t nz, double *t, size_t st, size_t nt) {
    return p_proj_trans_generic(p, d, x, sx, nx, y, sy, ny, z, sz, nz, t, st, nt);
}
void cgeod_init(struct geod_geodesic *g, double a, double f) { p_geod_init(g, a, f); }
void cgeod_inverse(const struct geod_geodesic *g, double lat1, double lon1, double lat2, double lon2,
                   double *s12, double *azi1, double *azi2) { p_geod_inverse(g, lat1, lon1, lat2, lon2, s12, azi1, azi2); }
void cgeod_polygonarea(const struct geod_geodesic *g, double lats[], double lons[], int n, double *a, double *p) {
    p_geod_polygonarea(g, lats, lons, n, a, p);
}
