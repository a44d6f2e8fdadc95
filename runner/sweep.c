#include "sweep.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "report.h"
#include "sim.h"
#include "stats.h"
#include "sweep_mpi.h"

#define MAX_DIMS 64

/* The design: dimensions (a list, or a zip group of lists varied together), their cross product, then
 * the extra points; each point with the replications' seeds. */
struct plan {
    const struct prr_scenario *base;
    size_t n_dims;
    size_t dim_n[MAX_DIMS];   /* values along each dimension */
    size_t param_dim[MAX_DIMS];
    size_t n_combos;          /* points of the cross product */
    size_t n_extra;           /* points of sweep.extra */
    size_t n_points;          /* (combos + extras) x replications */
    char outdir[2048];
};

static void plan_init(struct plan *p, const struct prr_scenario *base, const char *outdir)
{
    p->base = base;
    p->n_dims = 0;
    int zip_dim = -1;
    for (size_t i = 0; i < base->n_sweep && i < MAX_DIMS; i++) {
        if (base->sweep[i].zip && zip_dim >= 0) {
            p->param_dim[i] = (size_t)zip_dim;
            continue;
        }
        if (base->sweep[i].zip)
            zip_dim = (int)p->n_dims;
        p->param_dim[i] = p->n_dims;
        p->dim_n[p->n_dims++] = base->sweep[i].values->n;
    }
    p->n_combos = 1;
    for (size_t d = 0; d < p->n_dims; d++)
        p->n_combos *= p->dim_n[d];
    p->n_extra = base->sweep_extra ? base->sweep_extra->n : 0;
    p->n_points = (p->n_combos + p->n_extra) * base->replications;
    snprintf(p->outdir, sizeof p->outdir, "%s", outdir ? outdir : base->output_dir);
}

/* Point k is extra point *e (true), or a point of the cross product (false). */
static bool is_extra(const struct plan *p, size_t k, size_t *e)
{
    size_t point = k / p->base->replications;
    if (point < p->n_combos)
        return false;
    *e = point - p->n_combos;
    return true;
}

/* Point k's index along dimension d (the first dimension varies slowest); 0 for an extra point. */
static size_t dim_digit(const struct plan *p, size_t k, size_t d)
{
    size_t combo = k / p->base->replications;
    if (combo >= p->n_combos)
        return 0;
    for (size_t i = p->n_dims; i-- > d + 1;)
        combo /= p->dim_n[i];
    return combo % p->dim_n[d];
}

/* The index of parameter `param`'s value at point k (a cross-product point). */
static size_t digit(const struct plan *p, size_t k, size_t param)
{
    return dim_digit(p, k, p->param_dim[param]);
}

static uint64_t point_seed(const struct plan *p, size_t k) { return p->base->seed + k % p->base->replications; }

/* A run's directory is named by what it runs, not by its place in the design: the index of its value in
 * each sweep list, then its seed ("run-2-0-s3"; "run-s3" without lists). Growing the replications or
 * appending values to a list leaves every existing run's name as it was. */
static void run_name(const struct plan *p, size_t k, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "run"), e;
    if (is_extra(p, k, &e))
        used += (size_t)snprintf(buf + used, len - used, "-x%zu", e);
    else
        for (size_t d = 0; d < p->n_dims && used < len; d++)
            used += (size_t)snprintf(buf + used, len - used, "-%zu", dim_digit(p, k, d));
    if (used < len)
        snprintf(buf + used, len - used, "-s%llu", (unsigned long long)point_seed(p, k));
}

static void run_dir(const struct plan *p, size_t k, char *buf, size_t len)
{
    char name[512];
    run_name(p, k, name, sizeof name);
    snprintf(buf, len, "%s/%s", p->outdir, name);
}

/* A compact YAML flow rendering of a value, for sweep.csv and messages. */
static void flow_text(const struct yt_node *n, char *buf, size_t len)
{
    size_t used = strlen(buf);
    if (used >= len - 1)
        return;
    if (n->kind == YT_SCALAR) {
        snprintf(buf + used, len - used, "%s", n->text);
        return;
    }
    snprintf(buf + used, len - used, "%s", n->kind == YT_MAP ? "{" : "[");
    for (size_t i = 0; i < n->n; i++) {
        if (i)
            strncat(buf, n->kind == YT_MAP ? "; " : " ", len - strlen(buf) - 1);
        if (n->kind == YT_MAP) {
            strncat(buf, n->keys[i]->text, len - strlen(buf) - 1);
            strncat(buf, ": ", len - strlen(buf) - 1);
        }
        flow_text(n->items[i], buf, len);
    }
    strncat(buf, n->kind == YT_MAP ? "}" : "]", len - strlen(buf) - 1);
}

/* The columns of sweep.csv and points.csv before the seed: the swept paths, then paths only sweep.extra
 * sets, in order of first appearance. */
static size_t columns(const struct prr_scenario *base, const char **cols, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < base->n_sweep && n < cap; i++)
        cols[n++] = base->sweep[i].path;
    for (size_t e = 0; base->sweep_extra && e < base->sweep_extra->n; e++) {
        const struct yt_node *pt = base->sweep_extra->items[e];
        for (size_t q = 0; q < pt->n && n < cap; q++) {
            size_t c = 0;
            while (c < n && strcmp(cols[c], pt->keys[q]->text))
                c++;
            if (c == n)
                cols[n++] = pt->keys[q]->text;
        }
    }
    return n;
}

/* The value a path has in the base scenario's tree as written, or NULL (a default). */
static const struct yt_node *tree_value(const struct yt_node *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const struct yt_node *cur = root;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (cur->kind == YT_MAP) {
            cur = yt_get(cur, part);
        } else if (cur->kind == YT_SEQ) {
            char *end;
            unsigned long idx = strtoul(part, &end, 10);
            cur = (*end || idx >= cur->n) ? NULL : cur->items[idx];
        } else {
            cur = NULL;
        }
    }
    return cur;
}

/* The value of column `path` at point k, as text (flow YAML): the point's, else the base scenario's as
 * written, else "default". */
static void point_value(const struct prr_source *src, const struct plan *p, size_t k, const char *path, char *buf,
                        size_t len)
{
    buf[0] = '\0';
    const struct yt_node *v = NULL;
    size_t e;
    if (is_extra(p, k, &e)) {
        v = yt_get(p->base->sweep_extra->items[e], path);
    } else {
        for (size_t i = 0; i < p->base->n_sweep && !v; i++)
            if (!strcmp(p->base->sweep[i].path, path))
                v = p->base->sweep[i].values->items[digit(p, k, i)];
    }
    if (!v)
        v = tree_value(src->doc.root, path);
    if (v)
        flow_text(v, buf, len);
    else
        snprintf(buf, len, "default");
}

/* The scenario of point k: the base tree with the point's values and seed. */
static int point_scenario(const struct prr_source *src, const struct plan *p, size_t k, struct prr_scenario *sc,
                          char *err, size_t errlen)
{
    struct yt_node *root = yt_clone(src->doc.root);
    if (!root) {
        snprintf(err, errlen, "out of memory");
        return PRR_EXIT_INTERNAL;
    }
    int rc = PRR_EXIT_BAD;
    size_t e;
    if (is_extra(p, k, &e)) {
        const struct yt_node *pt = p->base->sweep_extra->items[e];
        for (size_t i = 0; i < pt->n; i++)
            if (prr_tree_set(root, pt->keys[i]->text, pt->items[i], err, errlen))
                goto out;
    } else {
        for (size_t i = 0; i < p->base->n_sweep; i++) {
            const struct prr_sweep_param *sp = &p->base->sweep[i];
            if (prr_tree_set(root, sp->path, sp->values->items[digit(p, k, i)], err, errlen))
                goto out;
        }
    }
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)point_seed(p, k));
    struct yt_node seed_node = {.kind = YT_SCALAR, .file = src->path, .line = 1, .col = 1, .text = seed, .plain = true};
    if (prr_tree_set(root, "seed", &seed_node, err, errlen))
        goto out;
    if (prr_scenario_read(root, src->path, sc, err, errlen))
        goto out;
    char dir[2200];
    run_dir(p, k, dir, sizeof dir);
    free(sc->output_dir);
    sc->output_dir = strdup(dir);
    rc = sc->output_dir ? PRR_EXIT_OK : PRR_EXIT_INTERNAL;
    if (rc)
        prr_scenario_free(sc);
out:
    yt_free(root);
    return rc;
}

void prr_sweep_warn(const struct prr_scenario *base, FILE *f)
{
    bool policy = false, exponent = false;
    for (size_t i = 0; i < base->n_sweep; i++) {
        policy |= !strcmp(base->sweep[i].path, "difficulty.policy");
        exponent |= !strcmp(base->sweep[i].path, "difficulty.exponent");
    }
    if (policy && !exponent)
        fprintf(f, "powrelay: warning: the sweep varies difficulty.policy but not difficulty.exponent, whose "
                   "meaning changes with it (power: req^e, multiply: req*e; 2 squares, or doubles)\n");
}

int prr_sweep_check(const struct prr_source *src, const struct prr_scenario *base, char *err, size_t errlen)
{
    int rc = prr_sim_check(base, err, errlen);
    if (rc || (base->n_sweep == 0 && !base->sweep_extra))
        return rc;
    struct plan p;
    plan_init(&p, base, NULL);
    /* Replications differ only in the seed: check each combination once. An error names the point. */
    for (size_t c = 0; c < p.n_combos + p.n_extra; c++) {
        struct prr_scenario sc;
        size_t k = c * base->replications;
        char inner[1024] = "";
        if ((rc = point_scenario(src, &p, k, &sc, inner, sizeof inner)) == PRR_EXIT_OK) {
            rc = prr_sim_check(&sc, inner, sizeof inner);
            prr_scenario_free(&sc);
        }
        if (rc) {
            char values[700] = "";
            const char *cols[128];
            size_t nc = columns(base, cols, 128), e;
            bool extra = is_extra(&p, k, &e);
            for (size_t i = 0; i < nc; i++) {
                if (extra && !yt_get(base->sweep_extra->items[e], cols[i]))
                    continue; /* an extra point is named by what it sets */
                size_t used = strlen(values);
                snprintf(values + used, sizeof values - used, "%s%s = ", used ? ", " : "", cols[i]);
                used = strlen(values);
                point_value(src, &p, k, cols[i], values + used, sizeof values - used);
            }
            if (extra)
                snprintf(err, errlen, "sweep extra point %zu (%s): %s", e + 1, values, inner);
            else
                snprintf(err, errlen, "sweep point %zu of %zu (%s): %s", c + 1, p.n_combos, values, inner);
            return rc;
        }
    }
    return PRR_EXIT_OK;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first place two scenario trees differ, as a dotted key and the two values; false when equal.
 * Numbers compare by value, so "1e4" and "10000" are the same. */
static bool tree_diff(const struct yt_node *a, const struct yt_node *b, char *path, size_t plen, char *va,
                      char *vb, size_t vlen)
{
    size_t used = strlen(path);
    if (!a || !b || a->kind != b->kind) {
        snprintf(va, vlen, "%s", !a ? "(missing)" : a->kind == YT_SCALAR ? a->text : a->kind == YT_MAP ? "a map" : "a list");
        snprintf(vb, vlen, "%s", !b ? "(missing)" : b->kind == YT_SCALAR ? b->text : b->kind == YT_MAP ? "a map" : "a list");
        return true;
    }
    if (a->kind == YT_SCALAR) {
        char *ea, *eb;
        double da = strtod(a->text, &ea), db = strtod(b->text, &eb);
        bool same = (*a->text && *b->text && !*ea && !*eb) ? da == db : !strcmp(a->text, b->text);
        if (!same) {
            snprintf(va, vlen, "%s", a->text);
            snprintf(vb, vlen, "%s", b->text);
        }
        return !same;
    }
    size_t n = a->n > b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        const struct yt_node *x = i < a->n ? a->items[i] : NULL, *y = i < b->n ? b->items[i] : NULL;
        if (a->kind == YT_MAP) {
            const char *key = i < a->n ? a->keys[i]->text : b->keys[i]->text;
            x = yt_get(a, key);
            y = yt_get(b, key);
            snprintf(path + used, plen - used, "%s%s", used ? "." : "", key);
        } else {
            snprintf(path + used, plen - used, "%s%zu", used ? "." : "", i);
        }
        if (tree_diff(x, y, path, plen, va, vb, vlen))
            return true;
        path[used] = '\0';
    }
    if (a->kind == YT_MAP) /* keys only b has */
        for (size_t i = 0; i < b->n; i++)
            if (!yt_get(a, b->keys[i]->text)) {
                snprintf(path + used, plen - used, "%s%s", used ? "." : "", b->keys[i]->text);
                snprintf(va, vlen, "(missing)");
                snprintf(vb, vlen, "%s", b->items[i]->kind == YT_SCALAR ? b->items[i]->text : "a value");
                return true;
            }
    return false;
}

enum point_state { POINT_TODO, POINT_DONE, POINT_DIFFERENT };

/* Whether point k's directory holds its finished run. A directory with a summary is reused only when the
 * scenario it recorded is the point's, exactly; otherwise it is DIFFERENT and why goes into msg. */
static enum point_state point_state(const struct prr_source *src, const struct plan *p, size_t k, char *msg,
                                    size_t msglen)
{
    char dir[2200], path[2300];
    run_dir(p, k, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (!file_exists(path))
        return POINT_TODO;
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    struct yt_doc rec = {0}, want = {0};
    char err[512];
    if (yt_load_file(path, &rec, err, sizeof err)) {
        snprintf(msg, msglen, "%s holds a finished run but no readable record of what it ran (%s)", dir, err);
        return POINT_DIFFERENT;
    }
    enum point_state st = POINT_DIFFERENT;
    struct prr_scenario sc;
    char *text = NULL;
    size_t len = 0;
    if (point_scenario(src, p, k, &sc, err, sizeof err)) {
        snprintf(msg, msglen, "%s: %s", dir, err);
        yt_doc_free(&rec);
        return POINT_DIFFERENT;
    }
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        prr_scenario_write(&sc, mem);
        fclose(mem);
    }
    prr_scenario_free(&sc);
    if (!text || yt_load_string(text, len, "(this sweep)", &want, err, sizeof err)) {
        snprintf(msg, msglen, "%s: out of memory", dir);
    } else {
        char key[256] = "", va[128] = "", vb[128] = "";
        if (!tree_diff(rec.root, want.root, key, sizeof key, va, vb, sizeof va))
            st = POINT_DONE;
        else
            snprintf(msg, msglen, "%s holds a different run: %s is %s there, %s in this sweep", dir,
                     *key ? key : "(the whole scenario)", va, vb);
    }
    free(text);
    yt_doc_free(&want);
    yt_doc_free(&rec);
    return st;
}

void prr_sweep_run_name(const struct prr_source *src, const struct prr_scenario *base, size_t k, char *buf, size_t len)
{
    (void)src;
    struct plan p;
    plan_init(&p, base, NULL);
    run_name(&p, k, buf, len);
}

/* Run point k in this process. PRR_EXIT_*. */
int prr_sweep_run_point(const struct prr_source *src, const struct prr_scenario *base, const char *outdir, size_t k,
                        const char *command)
{
    struct plan p;
    plan_init(&p, base, outdir);
    struct prr_scenario sc;
    char err[1024] = "";
    int rc = point_scenario(src, &p, k, &sc, err, sizeof err);
    if (rc == PRR_EXIT_OK) {
        /* A rerun takes the old summary away first: a run killed midway must not leave its new record
         * beside an old summary, which a resume would take for this run's. */
        char path[2300];
        snprintf(path, sizeof path, "%s/summary.json", sc.output_dir);
        if (unlink(path) && errno != ENOENT) {
            fprintf(stderr, "powrelay sweep: %s: %s\n", path, strerror(errno));
            prr_scenario_free(&sc);
            return PRR_EXIT_INTERNAL;
        }
        /* A sweep runs its points side by side: one thread each, unless the scenario asks for more. */
        struct prr_run_opts ro = {.outdir = NULL, .command = command, .progress = false, .quiet = true,
                                  .threads = sc.threads ? sc.threads : 1};
        rc = prr_sim_run(&sc, &ro, err, sizeof err);
        prr_scenario_free(&sc);
    }
    if (rc) {
        char name[512];
        run_name(&p, k, name, sizeof name);
        fprintf(stderr, "powrelay sweep: %s: %s\n", name, err);
    }
    return rc;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- sweep.csv ---- */

static json_t *lookup(json_t *doc, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = doc;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && cur; part = strtok_r(NULL, ".", &save))
        cur = json_object_get(cur, part);
    return cur;
}

static void csv_field(FILE *f, const char *s)
{
    bool quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int prr_sweep_write_csv(const struct prr_source *src, const struct prr_scenario *base, const char *outdir,
                        size_t *missing)
{
    struct plan p;
    plan_init(&p, base, outdir);
    char err[1024];
    struct prr_out o;
    if (prr_out_open(&o, p.outdir, "sweep.csv", err, sizeof err)) {
        fprintf(stderr, "powrelay sweep: %s\n", err);
        return PRR_EXIT_INTERNAL;
    }
    const char *cols[128];
    size_t n_cols = columns(base, cols, 128);
    fputs("run", o.f);
    for (size_t i = 0; i < n_cols; i++) {
        fputc(',', o.f);
        csv_field(o.f, cols[i]);
    }
    fputs(",seed", o.f);
    size_t n_ans = 0;
    for (size_t c = 0; prr_summary_answers[c]; c++, n_ans++)
        fprintf(o.f, ",%s", prr_summary_answers[c]);
    fputc('\n', o.f);
    /* points.csv: a row per point of the design, each answer's mean over the replications and the
     * half-width of its 95% interval (docs/scenario.md#sweeps) */
    struct prr_out po;
    if (prr_out_open(&po, p.outdir, "points.csv", err, sizeof err)) {
        fprintf(stderr, "powrelay sweep: %s\n", err);
        prr_out_abort(&o);
        return PRR_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n_cols; i++) {
        csv_field(po.f, cols[i]);
        fputc(',', po.f);
    }
    fputs("n", po.f);
    for (size_t c = 0; c < n_ans; c++)
        fprintf(po.f, ",%s_mean,%s_ci95", prr_summary_answers[c], prr_summary_answers[c]);
    fputc('\n', po.f);
    size_t reps = base->replications;
    double *acc = malloc(sizeof *acc * n_ans * reps);
    if (!acc) {
        prr_out_abort(&o);
        prr_out_abort(&po);
        return PRR_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n_ans * reps; i++)
        acc[i] = NAN;
    *missing = 0;
    for (size_t k = 0; k < p.n_points; k++) {
        if (k % reps == 0)
            for (size_t i = 0; i < n_ans * reps; i++)
                acc[i] = NAN;
        char path[2300], msg[2600];
        /* only a run whose record is this point's goes in */
        json_t *doc = NULL;
        if (point_state(src, &p, k, msg, sizeof msg) == POINT_DONE) {
            run_dir(&p, k, path, sizeof path - 20);
            strcat(path, "/summary.json");
            json_error_t jerr;
            doc = json_load_file(path, 0, &jerr);
        }
        if (!doc) {
            (*missing)++;
            goto point_end;
        }
        char name[512];
        run_name(&p, k, name, sizeof name);
        fputs(name, o.f);
        for (size_t i = 0; i < n_cols; i++) {
            char v[512];
            point_value(src, &p, k, cols[i], v, sizeof v);
            fputc(',', o.f);
            csv_field(o.f, v);
        }
        fprintf(o.f, ",%llu", (unsigned long long)point_seed(&p, k));
        for (size_t c = 0; prr_summary_answers[c]; c++) {
            json_t *v = lookup(doc, prr_summary_answers[c]);
            char num[64] = "";
            if (json_is_integer(v))
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            else if (json_is_real(v))
                prr_fmt_num(num, sizeof num, json_real_value(v));
            fprintf(o.f, ",%s", num);
            if (json_is_number(v))
                acc[c * reps + k % reps] = json_number_value(v);
        }
        fputc('\n', o.f);
        json_decref(doc);
    point_end:
        if (k % reps != reps - 1)
            continue;
        for (size_t i = 0; i < n_cols; i++) {
            char v[512];
            point_value(src, &p, k, cols[i], v, sizeof v);
            csv_field(po.f, v);
            fputc(',', po.f);
        }
        size_t n_runs = 0;
        for (size_t r = 0; r < reps; r++) /* runs of the point with a summary */
            n_runs += !isnan(acc[r]);
        fprintf(po.f, "%zu", n_runs);
        for (size_t c = 0; c < n_ans; c++) {
            double mean, half;
            size_t n;
            prr_mean_ci95(acc + c * reps, reps, &mean, &half, &n);
            char m[64] = "", h[64] = "";
            if (n)
                prr_fmt_num(m, sizeof m, mean);
            if (n >= 2)
                prr_fmt_num(h, sizeof h, half);
            fprintf(po.f, ",%s,%s", m, h);
        }
        fputc('\n', po.f);
    }
    free(acc);
    if (prr_out_commit(&o, err, sizeof err)) {
        prr_out_abort(&po);
        fprintf(stderr, "powrelay sweep: %s\n", err);
        return PRR_EXIT_INTERNAL;
    }
    if (prr_out_commit(&po, err, sizeof err)) {
        fprintf(stderr, "powrelay sweep: %s\n", err);
        return PRR_EXIT_INTERNAL;
    }
    return PRR_EXIT_OK;
}

/* ---- the local process pool ---- */

static int local_pool(const struct prr_source *src, const struct prr_scenario *base, const struct prr_sweep_opts *o,
                      const struct plan *p, const bool *todo)
{
    pid_t *pids = calloc((size_t)o->jobs, sizeof *pids);
    size_t *which = calloc((size_t)o->jobs, sizeof *which);
    double *started = calloc((size_t)o->jobs, sizeof *started);
    if (!pids || !which || !started) {
        free(pids), free(which), free(started);
        fprintf(stderr, "powrelay sweep: out of memory\n");
        return PRR_EXIT_INTERNAL;
    }
    size_t next = 0, done = 0, skipped = 0, failed = 0, active = 0;
    double t_start = wall();
    int worst = PRR_EXIT_OK;
    while (next < p->n_points || active > 0) {
        while (active < (size_t)o->jobs && next < p->n_points) {
            size_t k = next++;
            if (!todo[k]) {
                skipped++;
                continue;
            }
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                fprintf(stderr, "powrelay sweep: fork: %s\n", strerror(errno));
                worst = PRR_EXIT_INTERNAL;
                next = p->n_points;
                break;
            }
            if (pid == 0)
                _exit(prr_sweep_run_point(src, base, p->outdir, k, o->command));
            size_t slot = 0;
            while (pids[slot])
                slot++;
            pids[slot] = pid;
            which[slot] = k;
            started[slot] = wall();
            active++;
        }
        if (active == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        size_t slot = 0;
        while (slot < (size_t)o->jobs && pids[slot] != pid)
            slot++;
        if (slot == (size_t)o->jobs)
            continue;
        pids[slot] = 0;
        active--;
        int rc = WIFEXITED(status) ? WEXITSTATUS(status) : PRR_EXIT_INTERNAL;
        if (rc) {
            failed++;
            if (worst == PRR_EXIT_OK || rc == PRR_EXIT_INTERNAL)
                worst = rc;
            if (WIFSIGNALED(status)) {
                char name[512];
                run_name(p, which[slot], name, sizeof name);
                fprintf(stderr, "powrelay sweep: %s killed by signal %d\n", name, WTERMSIG(status));
            }
        } else {
            done++;
        }
        if (!o->quiet) {
            char name[512];
            run_name(p, which[slot], name, sizeof name);
            /* elapsed, and what is left at the pace of the runs made so far */
            double elapsed = wall() - t_start, left = (double)(p->n_points - done - skipped - failed);
            double eta = done + failed ? elapsed / (double)(done + failed) * left : 0;
            fprintf(stderr, "powrelay sweep: %s %s in %.1f s (%zu of %zu done, %zu resumed, %zu failed; %.0f s "
                            "elapsed, about %.0f s left)\n",
                    name, rc ? "failed" : "finished", wall() - started[slot], done + skipped, p->n_points, skipped,
                    failed, elapsed, eta);
        }
    }
    free(pids), free(which), free(started);
    return worst;
}

int prr_sweep(const struct prr_source *src, const struct prr_sweep_opts *o)
{
    char err[1024] = "";
    struct prr_scenario base;
    if (prr_scenario_read(src->doc.root, src->path, &base, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return PRR_EXIT_BAD;
    }
    struct plan p;
    plan_init(&p, &base, o->outdir);
    int rc = prr_sweep_check(src, &base, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        prr_scenario_free(&base);
        return rc;
    }
    bool mpi = prr_mpi_active();
    bool lead = !mpi || prr_mpi_rank() == 0;
    if (lead) {
        if (prr_out_prepare_dir(p.outdir, err, sizeof err)) {
            fprintf(stderr, "powrelay sweep: %s\n", err);
            prr_scenario_free(&base);
            prr_mpi_finish();
            return PRR_EXIT_BAD;
        }
        if (!o->quiet)
            fprintf(stderr, "powrelay sweep: %zu runs (%zu points x %u replications) into %s/%s\n", p.n_points,
                    p.n_combos + p.n_extra, base.replications, p.outdir, mpi ? " over MPI" : "");
        prr_sweep_warn(&base, stderr);
    }
    /* What is there already: finished runs of this design are kept, anything else in a run's place is an
     * error (or, with --force-rerun, run again). Every rank finds the same. */
    bool *todo = calloc(p.n_points ? p.n_points : 1, sizeof *todo);
    if (!todo) {
        fprintf(stderr, "powrelay sweep: out of memory\n");
        prr_scenario_free(&base);
        prr_mpi_finish();
        return PRR_EXIT_INTERNAL;
    }
    size_t different = 0;
    for (size_t k = 0; k < p.n_points; k++) {
        char msg[2600];
        enum point_state st = point_state(src, &p, k, msg, sizeof msg);
        todo[k] = st != POINT_DONE;
        if (st == POINT_DIFFERENT && different++ == 0 && lead)
            fprintf(stderr, "powrelay sweep: %s%s\n", msg, o->force_rerun ? "; running it again (--force-rerun)" : "");
    }
    if (different && !o->force_rerun) {
        if (lead)
            fprintf(stderr, "powrelay sweep: %zu run director%s of %s hold%s other runs than this sweep's; nothing was "
                            "run. Sweep into another directory (-o), or give --force-rerun to run them again.\n",
                    different, different == 1 ? "y" : "ies", p.outdir, different == 1 ? "s" : "");
        free(todo);
        prr_scenario_free(&base);
        prr_mpi_finish();
        return PRR_EXIT_BAD;
    }
    if (mpi)
        rc = prr_mpi_sweep(src, &base, p.outdir, p.n_points, todo, o->command, o->quiet);
    else
        rc = local_pool(src, &base, o, &p, todo);
    free(todo);
    if (lead) {
        size_t missing = 0;
        int wrc = prr_sweep_write_csv(src, &base, p.outdir, &missing);
        if (wrc && !rc)
            rc = wrc;
        if (missing && !rc)
            rc = PRR_EXIT_INTERNAL;
        if (!o->quiet)
            fprintf(stderr, "powrelay sweep: %s/sweep.csv written (%zu of %zu runs%s)\n", p.outdir,
                    p.n_points - missing, p.n_points, missing ? ", some failed" : "");
    }
    prr_mpi_finish();
    prr_scenario_free(&base);
    return rc;
}
