#include "yamltree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct builder {
    yaml_parser_t parser;
    const char *file;
    char *err;
    size_t errlen;
};

static void set_err(struct builder *b, int line, int col, const char *msg)
{
    snprintf(b->err, b->errlen, "%s:%d:%d: %s", b->file, line, col, msg);
}

static struct yt_node *new_node(enum yt_kind kind, const char *file, const yaml_mark_t *m)
{
    struct yt_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->file = file;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

static int append(struct yt_node *parent, struct yt_node *key, struct yt_node *item)
{
    struct yt_node **items = realloc(parent->items, sizeof *items * (parent->n + 1));
    if (!items)
        return -1;
    parent->items = items;
    if (parent->kind == YT_MAP) {
        struct yt_node **keys = realloc(parent->keys, sizeof *keys * (parent->n + 1));
        if (!keys)
            return -1;
        parent->keys = keys;
        keys[parent->n] = key;
    }
    items[parent->n++] = item;
    return 0;
}

void yt_free(struct yt_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            yt_free(n->keys[i]);
        yt_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->text);
    free(n);
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->parser, ev))
        return true;
    const yaml_mark_t *m = b->parser.problem_mark.line || b->parser.problem_mark.column ? &b->parser.problem_mark
                                                                                      : &b->parser.context_mark;
    char msg[256];
    snprintf(msg, sizeof msg, "YAML syntax error: %s%s%s", b->parser.problem ? b->parser.problem : "invalid YAML",
             b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
    set_err(b, (int)m->line + 1, (int)m->column + 1, msg);
    return false;
}

/* Build the node that starts with `ev` (already read). */
static struct yt_node *build(struct builder *b, yaml_event_t *ev, int depth)
{
    if (depth > YT_MAX_DEPTH) {
        set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "nesting too deep");
        return NULL;
    }
    struct yt_node *n = NULL;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                "YAML aliases are not supported in scenarios");
        return NULL;
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.anchor) {
            set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "YAML anchors are not supported in scenarios");
            return NULL;
        }
        n = new_node(YT_SCALAR, b->file, &ev->start_mark);
        if (!n)
            goto oom;
        n->text = malloc(ev->data.scalar.length + 1);
        if (!n->text)
            goto oom;
        memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
        n->text[ev->data.scalar.length] = '\0';
        if (strlen(n->text) != ev->data.scalar.length) {
            set_err(b, n->line, n->col, "NUL byte in a scalar");
            yt_free(n);
            return NULL;
        }
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return n;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        if (map ? ev->data.mapping_start.anchor != NULL : ev->data.sequence_start.anchor != NULL) {
            set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
                    "YAML anchors are not supported in scenarios");
            return NULL;
        }
        n = new_node(map ? YT_MAP : YT_SEQ, b->file, &ev->start_mark);
        if (!n)
            goto oom;
        for (;;) {
            yaml_event_t e;
            if (!next_event(b, &e)) {
                yt_free(n);
                return NULL;
            }
            if (e.type == (map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
                yaml_event_delete(&e);
                return n;
            }
            struct yt_node *key = NULL;
            if (map) {
                key = build(b, &e, depth + 1);
                yaml_event_delete(&e);
                if (!key) {
                    yt_free(n);
                    return NULL;
                }
                if (key->kind != YT_SCALAR) {
                    set_err(b, key->line, key->col, "map keys must be plain words");
                    yt_free(key);
                    yt_free(n);
                    return NULL;
                }
                for (size_t i = 0; i < n->n; i++) {
                    if (strcmp(n->keys[i]->text, key->text) == 0) {
                        char msg[160];
                        snprintf(msg, sizeof msg, "duplicate key '%.100s'", key->text);
                        set_err(b, key->line, key->col, msg);
                        yt_free(key);
                        yt_free(n);
                        return NULL;
                    }
                }
                if (!next_event(b, &e)) {
                    yt_free(key);
                    yt_free(n);
                    return NULL;
                }
            }
            struct yt_node *item = build(b, &e, depth + 1);
            yaml_event_delete(&e);
            if (!item || append(n, key, item) != 0) {
                if (item) {
                    yt_free(item);
                    set_err(b, n->line, n->col, "out of memory");
                }
                yt_free(key);
                yt_free(n);
                return NULL;
            }
        }
    }
    default:
        set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "unexpected YAML event");
        return NULL;
    }
oom:
    yt_free(n);
    set_err(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, "out of memory");
    return NULL;
}

static int load(struct builder *b, struct yt_doc *doc, bool allow_empty)
{
    yaml_event_t ev;
    struct yt_node *root = NULL;
    int docs = 0, rc = -1;
    for (;;) {
        if (!next_event(b, &ev))
            goto out;
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            set_err(b, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
                    "a scenario file holds one YAML document");
            yaml_event_delete(&ev);
            goto out;
        }
        if (type == YAML_SCALAR_EVENT || type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT ||
            type == YAML_ALIAS_EVENT) {
            root = build(b, &ev, 0);
            yaml_event_delete(&ev);
            if (!root)
                goto out;
            continue;
        }
        yaml_event_delete(&ev);
    }
    if (!root && !allow_empty) {
        set_err(b, 1, 1, "the scenario is empty");
        goto out;
    }
    doc->root = root;
    root = NULL;
    rc = 0;
out:
    yt_free(root);
    return rc;
}

int yt_load_string(const char *text, size_t len, const char *name, struct yt_doc *doc, char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    doc->file = strdup(name);
    if (!doc->file) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    struct builder b = {.file = doc->file, .err = err, .errlen = errlen};
    if (!yaml_parser_initialize(&b.parser)) {
        snprintf(err, errlen, "%s: cannot start the YAML parser", name);
        yt_doc_free(doc);
        return -1;
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
    int rc = load(&b, doc, false);
    yaml_parser_delete(&b.parser);
    if (rc != 0)
        yt_doc_free(doc);
    return rc;
}

int yt_load_file(const char *path, struct yt_doc *doc, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: scenario file larger than 64 MiB", path);
                return -1;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                fclose(f);
                free(buf);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    int saved = errno;
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(saved == 0 ? EIO : saved));
        return -1;
    }
    int rc = yt_load_string(buf ? buf : "", len, path, doc, err, errlen);
    free(buf);
    return rc;
}

void yt_doc_free(struct yt_doc *doc)
{
    yt_free(doc->root);
    free(doc->file);
    memset(doc, 0, sizeof *doc);
}

int yt_parse_value(const char *text, const char *origin, struct yt_doc *doc, char *err, size_t errlen)
{
    if (*text == '\0') {
        /* An empty value is the empty string, as YAML would read "key: ''". */
        memset(doc, 0, sizeof *doc);
        doc->file = strdup(origin);
        doc->root = calloc(1, sizeof *doc->root);
        if (!doc->file || !doc->root || !(doc->root->text = strdup(""))) {
            yt_doc_free(doc);
            snprintf(err, errlen, "%s: out of memory", origin);
            return -1;
        }
        doc->root->kind = YT_SCALAR;
        doc->root->file = doc->file;
        doc->root->line = doc->root->col = 1;
        return 0;
    }
    return yt_load_string(text, strlen(text), origin, doc, err, errlen);
}

struct yt_node *yt_clone(const struct yt_node *n)
{
    if (!n)
        return NULL;
    struct yt_node *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *n;
    c->text = NULL;
    c->keys = c->items = NULL;
    c->n = 0;
    if (n->text && !(c->text = strdup(n->text)))
        goto fail;
    if (n->n) {
        c->items = calloc(n->n, sizeof *c->items);
        if (!c->items)
            goto fail;
        if (n->keys && !(c->keys = calloc(n->n, sizeof *c->keys)))
            goto fail;
        for (size_t i = 0; i < n->n; i++) {
            c->n = i + 1;
            if (!(c->items[i] = yt_clone(n->items[i])))
                goto fail;
            if (n->keys && !(c->keys[i] = yt_clone(n->keys[i])))
                goto fail;
        }
    }
    return c;
fail:
    yt_free(c);
    return NULL;
}

struct yt_node *yt_get(const struct yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

int yt_set(struct yt_node *map, const char *key, const char *file, int line, int col, struct yt_node *value)
{
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->keys[i]->text, key) == 0) {
            yt_free(map->items[i]);
            map->items[i] = value;
            return 0;
        }
    }
    struct yt_node *k = calloc(1, sizeof *k);
    if (!k || !(k->text = strdup(key))) {
        free(k);
        return -1;
    }
    k->kind = YT_SCALAR;
    k->plain = true;
    k->file = file;
    k->line = line;
    k->col = col;
    if (append(map, k, value) != 0) {
        yt_free(k);
        return -1;
    }
    return 0;
}
