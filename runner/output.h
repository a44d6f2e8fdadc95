/* Output files (docs/scenario.md#outputs), each written to a temporary name in its directory and renamed into place,
 * so that a killed run never leaves half a file; summary.json goes last, so its presence means the run
 * is complete (a sweep resumes on it). Numbers are formatted the same way on every run. */
#ifndef POWRELAY_OUTPUT_H
#define POWRELAY_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* An output file being written: fopen a temporary, then prr_out_commit() renames it, or
 * prr_out_abort() removes it. */
struct prr_out {
    FILE *f;
    char *tmp, *final;
};

int prr_out_open(struct prr_out *o, const char *dir, const char *name, char *err, size_t errlen);
int prr_out_commit(struct prr_out *o, char *err, size_t errlen);
void prr_out_abort(struct prr_out *o);

/* mkdir -p, then make sure a file can be created there (before any simulation time is spent), and
 * remove the temporary files a killed run may have left there (.NAME.tmp.PID). */
int prr_out_prepare_dir(const char *dir, char *err, size_t errlen);

/* Numbers as text: "%.12g", integers exactly; NaN/inf and "never" as empty in CSV, null in JSON. */
void prr_fmt_num(char *buf, size_t len, double v);

/* A minimal streaming JSON writer with two-space indentation. */
struct prr_json {
    FILE *f;
    int depth;
    bool first[32];
};
void prr_json_begin(struct prr_json *j, FILE *f);
void prr_json_end(struct prr_json *j);
void prr_json_object(struct prr_json *j, const char *key); /* key NULL inside an array */
void prr_json_close(struct prr_json *j);                    /* closes the innermost object */
void prr_json_array(struct prr_json *j, const char *key);
void prr_json_close_array(struct prr_json *j);
void prr_json_num(struct prr_json *j, const char *key, double v);
void prr_json_uint(struct prr_json *j, const char *key, uint64_t v);
void prr_json_str(struct prr_json *j, const char *key, const char *v);
void prr_json_null(struct prr_json *j, const char *key);

#endif
