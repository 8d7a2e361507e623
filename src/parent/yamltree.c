#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "xmalloc.h"
#include "yamltree.h"

#define CHUNK_MIN	(64 * 1024)

/* One block of the tree's memory; blocks are only ever freed together. */
struct ychunk {
	struct ychunk	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

struct builder {
	const struct ytree_limits *lim;
	struct ytree_error	*err;
	struct ytree		*tree;
	/* the containers being built, and their children so far */
	struct ynode		**open;
	size_t			 depth, capopen;
	size_t			*base;		/* per open container: its first child */
	size_t			 capbase;
	struct ynode		**kids;
	size_t			 nkids, capkids;
	size_t			 nodes;
	int			 docs;
};

/* size bytes aligned to align (a power of two, at most max_align_t's). */
static void *
arena_alloc(struct ytree *t, size_t size, size_t align)
{
	struct ychunk *c = t->chunks;
	size_t cap;
	void *p;

	if (c != NULL)
		c->used = (c->used + align - 1) & ~(align - 1);
	if (c == NULL || c->cap - c->used < size) {
		cap = size > CHUNK_MIN ? size : CHUNK_MIN;
		c = xmalloc(sizeof(*c) + cap);
		c->next = t->chunks;
		c->used = 0;
		c->cap = cap;
		t->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

void
ytree_release(struct ytree *t)
{
	struct ychunk *c, *next;

	for (c = t->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	t->chunks = NULL;
	t->root = NULL;
}

static int
fail(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	b->err->line = (unsigned)m->line + 1;
	b->err->col = (unsigned)m->column + 1;
	snprintf(b->err->msg, sizeof(b->err->msg), "%s", msg);
	return -1;
}

static struct ynode *
node_new(struct builder *b, enum ynode_type t, const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(b->tree, sizeof(*n),
	    _Alignof(struct ynode));

	memset(n, 0, sizeof(*n));
	n->type = (unsigned char)t;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	b->nodes++;
	return n;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a;
	const struct ynode *y = *(struct ynode *const *)b;
	int c = strcmp(x->value, y->value);

	if (c != 0)
		return c;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) :
	    (x->col < y->col ? -1 : x->col > y->col);
}

/* Duplicate keys are silently kept by libyaml; a manifest must not. */
static int
check_duplicate_keys(struct builder *b, const struct ynode *map)
{
	size_t i, n = map->nitems / 2;
	struct ynode **keys;
	int rc = 0;

	if (n < 2)
		return 0;
	keys = xreallocarray(NULL, n, sizeof(*keys));
	for (i = 0; i < n; i++)
		keys[i] = map->items[2 * i];
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(keys[i - 1]->value, keys[i]->value) != 0)
			continue;
		b->err->line = keys[i]->line;
		b->err->col = keys[i]->col;
		snprintf(b->err->msg, sizeof(b->err->msg),
		    "duplicate key '%.100s' (first at line %u)",
		    keys[i]->value, keys[i - 1]->line);
		rc = -1;
		break;
	}
	free(keys);
	return rc;
}

/* A finished node goes to the container being built, or is the root. */
static int
attach(struct builder *b, struct ynode *n, const yaml_mark_t *m)
{
	struct ynode *top;

	if (b->nodes > b->lim->max_nodes)
		return fail(b, m, "manifest has too many YAML nodes");
	if (b->depth == 0) {
		if (b->tree->root != NULL)
			return fail(b, m, "more than one value at the top "
			    "level");
		b->tree->root = n;
		return 0;
	}
	top = b->open[b->depth - 1];
	if (top->type == YNODE_MAP && (b->nkids - b->base[b->depth - 1]) % 2 ==
	    0 && n->type != YNODE_SCALAR) {
		yaml_mark_t km = { 0, n->line - 1, n->col - 1 };

		return fail(b, &km, "mapping keys must be plain strings");
	}
	XGROW(b->kids, b->nkids + 1, b->capkids);
	b->kids[b->nkids++] = n;
	return 0;
}

static int
on_scalar(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;
	size_t len = ev->data.scalar.length;

	if (len > b->lim->max_scalar)
		return fail(b, &ev->start_mark, "value is too long");
	if (memchr(ev->data.scalar.value, '\0', len) != NULL)
		return fail(b, &ev->start_mark, "value contains a NUL byte");
	n = node_new(b, YNODE_SCALAR, &ev->start_mark);
	n->value = arena_alloc(b->tree, len + 1, 1);
	memcpy(n->value, ev->data.scalar.value, len);
	n->value[len] = '\0';
	n->len = (unsigned)len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->start = (unsigned)ev->start_mark.index;
	n->end = (unsigned)ev->end_mark.index;
	return attach(b, n, &ev->start_mark);
}

static int
on_start(struct builder *b, yaml_event_t *ev, enum ynode_type t)
{
	struct ynode *n;

	if (b->depth + 1 > b->lim->max_depth)
		return fail(b, &ev->start_mark, "nesting is deeper than the "
		    "manifest format allows");
	n = node_new(b, t, &ev->start_mark);
	if (attach(b, n, &ev->start_mark) == -1)
		return -1;
	XGROW(b->open, b->depth + 1, b->capopen);
	XGROW(b->base, b->depth + 1, b->capbase);
	b->open[b->depth] = n;
	b->base[b->depth++] = b->nkids;
	return 0;
}

/* A container is complete: its children move into an array of its own. */
static int
on_end(struct builder *b)
{
	struct ynode *n = b->open[--b->depth];
	size_t first = b->base[b->depth];

	n->nitems = (unsigned)(b->nkids - first);
	if (n->nitems > 0) {
		n->items = arena_alloc(b->tree, n->nitems * sizeof(*n->items),
		    _Alignof(struct ynode *));
		memcpy(n->items, b->kids + first, n->nitems * sizeof(*n->items));
	}
	b->nkids = first;
	if (n->type == YNODE_MAP)
		return check_duplicate_keys(b, n);
	return 0;
}

/* Anchors, aliases and tags have no use in a manifest: refuse them. */
static int
check_extras(struct builder *b, yaml_event_t *ev)
{
	yaml_char_t *anchor = NULL, *tag = NULL;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return fail(b, &ev->start_mark, "YAML aliases are not allowed "
		    "(put shared settings under 'defaults:')");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		return 0;
	}
	if (anchor != NULL)
		return fail(b, &ev->start_mark, "YAML anchors are not allowed "
		    "(put shared settings under 'defaults:')");
	if (tag != NULL) {
		char msg[160];

		snprintf(msg, sizeof(msg), "YAML tags such as '%.60s' are not "
		    "allowed", (const char *)tag);
		return fail(b, &ev->start_mark, msg);
	}
	return 0;
}

static int
on_event(struct builder *b, yaml_event_t *ev)
{
	if (check_extras(b, ev) == -1)
		return -1;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return fail(b, &ev->start_mark, "a manifest holds one "
			    "YAML document, not several");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	default:
		return 0;
	}
}

static void
parser_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;

	b->err->line = (unsigned)m->line + 1;
	b->err->col = (unsigned)m->column + 1;
	if (p->context != NULL)
		snprintf(b->err->msg, sizeof(b->err->msg), "YAML syntax: %s %s",
		    p->problem ? p->problem : "error", p->context);
	else
		snprintf(b->err->msg, sizeof(b->err->msg), "YAML syntax: %s",
		    p->problem ? p->problem : "error");
}

int
ytree_parse(struct ytree *t, const char *buf, size_t len,
    const struct ytree_limits *lim, struct ytree_error *err)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = -1, done = 0;

	memset(&b, 0, sizeof(b));
	memset(t, 0, sizeof(*t));
	b.lim = lim;
	b.err = err;
	b.tree = t;
	memset(err, 0, sizeof(*err));
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err->msg, sizeof(err->msg), "cannot initialise libyaml");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&b, &parser);
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (on_event(&b, &ev) == -1) {
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
out:
	if (rc == -1)
		ytree_release(t);
	free(b.open);
	free(b.base);
	free(b.kids);
	yaml_parser_delete(&parser);
	return rc;
}

const char *
ynode_type_name(const struct ynode *n)
{
	if (n == NULL || ynode_is_null(n))
		return "nothing";
	switch (n->type) {
	case YNODE_SCALAR:
		return "a scalar";
	case YNODE_SEQ:
		return "a list";
	default:
		return "a mapping";
	}
}

/* YAML's null: an empty plain scalar, "~" or "null". */
bool
ynode_is_null(const struct ynode *n)
{
	if (n->type != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0 || strcmp(n->value, "Null") == 0 ||
	    strcmp(n->value, "NULL") == 0;
}

/* A YAML double-quoted scalar: safe for any text, control bytes escaped. */
void
yaml_quote(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_addch(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_addf(b, "\\x%02x", *p);
		else
			buf_addch(b, (char)*p);
	}
	buf_addch(b, '"');
}
