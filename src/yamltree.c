#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "xmalloc.h"
#include "yamltree.h"

struct builder {
	const struct ytree_limits *lim;
	struct ytree_error	*err;
	struct ynode		**stack;
	size_t			 depth, cap;
	size_t			 nodes;
	struct ynode		*root;
	int			 docs;
};

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
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	b->nodes++;
	return n;
}

void
ynode_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nitems; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

static void
node_append(struct ynode *parent, struct ynode *child)
{
	XGROW(parent->items, parent->nitems + 1, parent->cap);
	parent->items[parent->nitems++] = child;
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

/* Attach a finished node to the container on top of the stack. */
static int
attach(struct builder *b, struct ynode *n, const yaml_mark_t *m)
{
	struct ynode *top;

	if (b->nodes > b->lim->max_nodes) {
		ynode_free(n);
		return fail(b, m, "manifest has too many YAML nodes");
	}
	if (b->depth == 0) {
		if (b->root != NULL) {
			ynode_free(n);
			return fail(b, m, "more than one value at the top "
			    "level");
		}
		b->root = n;
		return 0;
	}
	top = b->stack[b->depth - 1];
	if (top->type == YNODE_MAP && top->nitems % 2 == 0 &&
	    n->type != YNODE_SCALAR) {
		yaml_mark_t km = { 0, n->line - 1, n->col - 1 };

		ynode_free(n);
		return fail(b, &km, "mapping keys must be plain strings");
	}
	node_append(top, n);
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
	n->value = xstrndup((const char *)ev->data.scalar.value, len);
	n->len = len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
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
	XGROW(b->stack, b->depth + 1, b->cap);
	b->stack[b->depth++] = n;
	return 0;
}

static int
on_end(struct builder *b)
{
	struct ynode *n = b->stack[--b->depth];

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
ytree_parse(struct ynode **root, const char *buf, size_t len,
    const struct ytree_limits *lim, struct ytree_error *err)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = -1, done = 0;

	memset(&b, 0, sizeof(b));
	b.lim = lim;
	b.err = err;
	memset(err, 0, sizeof(*err));
	*root = NULL;
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
	*root = b.root;
	b.root = NULL;
	rc = 0;
out:
	ynode_free(b.root);
	free(b.stack);
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
