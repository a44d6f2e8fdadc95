#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int prr_out_prepare_dir(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (!*dir || strlen(dir) >= sizeof path) {
        snprintf(err, errlen, "output directory '%.200s': bad path", dir);
        return -1;
    }
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) && errno != EEXIST) {
            snprintf(err, errlen, "output directory '%s': cannot create %s: %s", dir, path, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(path, 0777) && errno != EEXIST) {
        snprintf(err, errlen, "output directory '%s': cannot create: %s", dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "output directory '%s': not a directory", dir);
        return -1;
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.powrelay-probe.tmp.%ld", dir, (long)getpid());
    FILE *f = fopen(probe, "w");
    if (!f) {
        snprintf(err, errlen, "output directory '%s': cannot write there: %s", dir, strerror(errno));
        return -1;
    }
    fclose(f);
    unlink(probe);
    /* A run killed while writing leaves temporary files; whoever redoes the run clears them. */
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *t = strstr(e->d_name, ".tmp.");
        if (e->d_name[0] == '.' && t && t[5] && strspn(t + 5, "0123456789") == strlen(t + 5)) {
            char stale[8200];
            snprintf(stale, sizeof stale, "%s/%s", path, e->d_name);
            unlink(stale);
        }
    }
    if (d)
        closedir(d);
    return 0;
}

int prr_out_open(struct prr_out *o, const char *dir, const char *name, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(dir) + strlen(name) + 64;
    o->tmp = malloc(n);
    o->final = malloc(n);
    if (!o->tmp || !o->final) {
        prr_out_abort(o);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    snprintf(o->final, n, "%s/%s", dir, name);
    snprintf(o->tmp, n, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        snprintf(err, errlen, "%s: cannot create: %s", o->tmp, strerror(errno));
        prr_out_abort(o);
        return -1;
    }
    return 0;
}

int prr_out_commit(struct prr_out *o, char *err, size_t errlen)
{
    int bad = ferror(o->f);
    if (fflush(o->f) || fsync(fileno(o->f)))
        bad = 1;
    if (fclose(o->f))
        bad = 1;
    o->f = NULL;
    if (bad) {
        snprintf(err, errlen, "%s: write failed: %s", o->final, strerror(errno));
        prr_out_abort(o);
        return -1;
    }
    if (rename(o->tmp, o->final)) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", o->final, strerror(errno));
        prr_out_abort(o);
        return -1;
    }
    free(o->tmp);
    free(o->final);
    memset(o, 0, sizeof *o);
    return 0;
}

void prr_out_abort(struct prr_out *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->final);
    memset(o, 0, sizeof *o);
}

void prr_fmt_num(char *buf, size_t len, double v)
{
    if (!isfinite(v))
        snprintf(buf, len, "%s", "");
    else if (v == floor(v) && fabs(v) < 9.007199254740992e15)
        snprintf(buf, len, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
    else
        snprintf(buf, len, "%.12g", v);
}

/* ---- JSON ---- */

static void indent(struct prr_json *j)
{
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

static void str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void item(struct prr_json *j, const char *key)
{
    if (!j->first[j->depth])
        fputc(',', j->f);
    j->first[j->depth] = false;
    fputc('\n', j->f);
    indent(j);
    if (key) {
        str(j->f, key);
        fputs(": ", j->f);
    }
}

void prr_json_begin(struct prr_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    fputc('{', f);
    j->depth = 1;
    j->first[1] = true;
}

void prr_json_end(struct prr_json *j)
{
    fputs("\n}\n", j->f);
    j->depth = 0;
}

void prr_json_object(struct prr_json *j, const char *key)
{
    item(j, key);
    fputc('{', j->f);
    j->depth++;
    j->first[j->depth] = true;
}

void prr_json_close(struct prr_json *j)
{
    bool empty = j->first[j->depth];
    j->depth--;
    if (!empty) {
        fputc('\n', j->f);
        indent(j);
    }
    fputc('}', j->f);
}

void prr_json_array(struct prr_json *j, const char *key)
{
    item(j, key);
    fputc('[', j->f);
    j->depth++;
    j->first[j->depth] = true;
}

void prr_json_close_array(struct prr_json *j)
{
    bool empty = j->first[j->depth];
    j->depth--;
    if (!empty) {
        fputc('\n', j->f);
        indent(j);
    }
    fputc(']', j->f);
}

void prr_json_num(struct prr_json *j, const char *key, double v)
{
    item(j, key);
    if (!isfinite(v)) {
        fputs("null", j->f);
        return;
    }
    char buf[64];
    prr_fmt_num(buf, sizeof buf, v);
    fputs(buf, j->f);
}

void prr_json_uint(struct prr_json *j, const char *key, uint64_t v)
{
    item(j, key);
    fprintf(j->f, "%llu", (unsigned long long)v);
}

void prr_json_str(struct prr_json *j, const char *key, const char *v)
{
    item(j, key);
    str(j->f, v);
}

void prr_json_null(struct prr_json *j, const char *key)
{
    item(j, key);
    fputs("null", j->f);
}
