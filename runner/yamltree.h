/* A scenario file as a tree, read with libyaml: maps, sequences and scalars, each with the file, line
 * and column (1-based) it came from, so every later error can point at it (netplan's error style).
 * Anchors and aliases are refused (no billion laughs), as are duplicate keys, several documents and
 * nesting deeper than YT_MAX_DEPTH. */
#ifndef POWRELAY_YAMLTREE_H
#define POWRELAY_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#define YT_MAX_DEPTH 32

enum yt_kind { YT_SCALAR, YT_MAP, YT_SEQ };

struct yt_node {
    enum yt_kind kind;
    const char *file; /* borrowed from the document */
    int line, col;
    char *text;       /* scalar */
    bool plain;       /* scalar written without quotes: may be a number or bool */
    size_t n;         /* map entries or sequence items */
    struct yt_node **keys; /* map: scalar key nodes */
    struct yt_node **items;/* map: values; sequence: items */
};

struct yt_doc {
    char *file;
    struct yt_node *root;
};

/* 0 on success; otherwise -1 with "file:line:col: message" in err. */
int yt_load_file(const char *path, struct yt_doc *doc, char *err, size_t errlen);
int yt_load_string(const char *text, size_t len, const char *name, struct yt_doc *doc, char *err, size_t errlen);
void yt_doc_free(struct yt_doc *doc);

/* Parse a value given on the command line (a YAML flow scalar, list or map) as a detached node whose
 * marks name `origin`. The node and its strings belong to `doc` (free with yt_doc_free). */
int yt_parse_value(const char *text, const char *origin, struct yt_doc *doc, char *err, size_t errlen);

struct yt_node *yt_clone(const struct yt_node *n);
void yt_free(struct yt_node *n);
struct yt_node *yt_get(const struct yt_node *map, const char *key);
/* Replace or add key in a map (takes ownership of value). -1 on allocation failure. */
int yt_set(struct yt_node *map, const char *key, const char *file, int line, int col, struct yt_node *value);

#endif
