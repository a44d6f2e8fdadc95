#define _XOPEN_SOURCE 700 /* realpath */
#include "search.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "output.h"
#include "sim.h"

#ifndef POWRELAY_SEARCH_PY
#define POWRELAY_SEARCH_PY "runner/search.py"
#endif

static json_t *ranges(const struct yt_node *params, const struct prr_scenario *sc)
{
    json_t *o = json_object();
    for (size_t j = 0; params->kind == YT_MAP && j < params->n; j++) {
        const struct yt_node *r = params->items[j];
        json_t *x = json_object();
        if (r->kind == YT_SEQ) {
            json_t *c = json_array();
            for (size_t k = 0; k < r->n; k++)
                json_array_append_new(c, json_string(r->items[k]->text)); /* passed to --set as written */
            json_object_set_new(x, "choices", c);
        } else {
            json_object_set_new(x, "low", json_real(strtod(yt_get(r, "low")->text, NULL)));
            json_object_set_new(x, "high", json_real(strtod(yt_get(r, "high")->text, NULL)));
            const struct yt_node *lg = yt_get(r, "log");
            json_object_set_new(x, "log", json_boolean(lg && !strcasecmp(lg->text, "true")));
            /* a whole-number key is searched over whole numbers */
            json_object_set_new(x, "int", json_boolean(prr_scenario_key_is_whole(params->keys[j]->text, sc)));
        }
        json_object_set_new(o, params->keys[j]->text, x);
    }
    return o;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            char *b = realloc(buf, cap = cap ? cap * 2 : 8192);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

int prr_search(const struct prr_source *src, const struct prr_search_opts *o)
{
    char err[1024] = "";
    struct prr_scenario sc;
    if (prr_scenario_read(src->doc.root, src->path, &sc, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return PRR_EXIT_BAD;
    }
    int rc = PRR_EXIT_BAD;
    json_t *spec = NULL, *d = NULL;
    char *text = NULL;
    if (!sc.search) {
        fprintf(stderr, "powrelay search: %s has no search: section (see docs/search.md)\n", src->path);
        goto out;
    }
    if ((rc = prr_sim_check(&sc, err, sizeof err)) != PRR_EXIT_OK) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    const struct yt_node *defs = yt_get(sc.search, "defences");
    d = json_object();
    for (size_t i = 0; i < defs->n; i++)
        if (!o->only || !strcmp(o->only, defs->keys[i]->text))
            json_object_set_new(d, defs->keys[i]->text, ranges(defs->items[i], &sc));
    if (json_object_size(d) == 0) {
        fprintf(stderr, "powrelay search: --defence %s: the search section of %s does not list it\n", o->only,
                src->path);
        rc = PRR_EXIT_BAD;
        goto out;
    }
    char outdir[2048], scen[PATH_MAX], exe[PATH_MAX], storage[PATH_MAX + 32];
    if (o->storage && strlen(o->storage) >= sizeof storage) { /* never cut it short: the study would go elsewhere */
        fprintf(stderr, "powrelay search: --storage: longer than %zu characters\n", sizeof storage - 1);
        rc = PRR_EXIT_BAD;
        goto out;
    }
    rc = PRR_EXIT_INTERNAL;
    if (o->outdir)
        snprintf(outdir, sizeof outdir, "%s", o->outdir);
    else
        snprintf(outdir, sizeof outdir, "results/%s-search", sc.name);
    if (!realpath(src->path, scen)) {
        fprintf(stderr, "powrelay search: %s: %s\n", src->path, strerror(errno));
        goto out;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "powrelay search: cannot find this program's path\n");
        goto out;
    }
    exe[n] = '\0';
    if (prr_out_prepare_dir(outdir, err, sizeof err)) {
        fprintf(stderr, "powrelay search: %s\n", err);
        rc = PRR_EXIT_BAD;
        goto out;
    }
    char absout[PATH_MAX];
    if (!realpath(outdir, absout)) {
        fprintf(stderr, "powrelay search: %s: %s\n", outdir, strerror(errno));
        goto out;
    }
    if (o->storage)
        snprintf(storage, sizeof storage, "%s", o->storage); /* its length was checked above */
    else
        snprintf(storage, sizeof storage, "sqlite:///%s/study.db", absout); /* absout < PATH_MAX */
    const struct yt_node *s = sc.search, *reps = yt_get(s, "replications"), *trials = yt_get(s, "trials"),
                         *seed = yt_get(s, "seed"), *objs = yt_get(s, "objectives");
    text = slurp(scen); /* its fingerprint: a resumed search must be of the same scenario */
    spec = json_object();
    json_object_set_new(spec, "name", json_string(sc.name));
    json_object_set_new(spec, "scenario", json_string(scen));
    json_object_set_new(spec, "scenario_text", json_string(text ? text : ""));
    json_object_set_new(spec, "powrelay", json_string(exe));
    json_object_set_new(spec, "outdir", json_string(absout));
    json_object_set_new(spec, "storage", json_string(storage));
    json_object_set_new(spec, "shared", json_boolean(o->storage != NULL));
    json_object_set_new(spec, "jobs", json_integer(o->jobs > 0 ? o->jobs : 1));
    json_object_set_new(spec, "trials", json_integer(o->trials > 0 ? o->trials
                                                     : trials ? (json_int_t)strtod(trials->text, NULL) : 40));
    json_object_set_new(spec, "seed", json_integer(seed ? (json_int_t)strtod(seed->text, NULL) : 1));
    json_object_set_new(spec, "replications", json_integer(reps ? (json_int_t)strtod(reps->text, NULL) : 2));
    json_object_set_new(spec, "base_seed", json_integer((json_int_t)sc.seed));
    json_object_set_new(spec, "quiet", json_boolean(o->quiet));
    json_t *sets = json_array();
    for (size_t i = 0; i < o->n_sets; i++)
        json_array_append_new(sets, json_string(o->sets[i]));
    json_object_set_new(spec, "sets", sets);
    json_object_set_new(spec, "defences", d);
    d = NULL;
    json_t *ob = json_array();
    for (size_t i = 0; i < objs->n; i++) {
        json_t *pair = json_array();
        json_array_append_new(pair, json_string(objs->keys[i]->text));
        json_array_append_new(pair, json_string(objs->items[i]->text));
        json_array_append_new(ob, pair);
    }
    json_object_set_new(spec, "objectives", ob);
    struct prr_out f;
    if (prr_out_open(&f, absout, "search.json", err, sizeof err)) {
        fprintf(stderr, "powrelay search: %s\n", err);
        goto out;
    }
    json_dumpf(spec, f.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f.f);
    if (prr_out_commit(&f, err, sizeof err)) {
        fprintf(stderr, "powrelay search: %s\n", err);
        goto out;
    }
    char specpath[PATH_MAX + 16];
    snprintf(specpath, sizeof specpath, "%s/search.json", absout);
    if (!o->quiet)
        fprintf(stderr, "powrelay search: %s into %s\n", src->path, absout);
    fflush(NULL);
    char *argv[] = {"/usr/bin/python3", POWRELAY_SEARCH_PY, specpath, NULL};
    execv(argv[0], argv);
    fprintf(stderr, "powrelay search: cannot start %s %s: %s (needs python3-optuna)\n", argv[0], argv[1],
            strerror(errno));
out:
    json_decref(d);
    json_decref(spec);
    free(text);
    prr_scenario_free(&sc);
    return rc;
}
