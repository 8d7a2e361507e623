#include <ctype.h>
#include <expat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"
#include "xtree.h"

struct xstate {
	XML_Parser		 parser;
	const struct xtree_limits *lim;
	struct xnode		*root, *cur;
	unsigned		 depth;
	size_t			 nodes;
	struct buf		 text;		/* of cur */
	struct xtree_error	*err;
	bool			 failed;
};

void
xnode_free(struct xnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		xnode_free(n->kids[i]);
	for (i = 0; i < 2 * n->nattrs; i++)
		free(n->attrs[i]);
	free(n->attrs);
	free(n->kids);
	free(n->text);
	free(n->name);
	free(n);
}

const char *
xnode_attr(const struct xnode *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[2 * i], name) == 0)
			return n->attrs[2 * i + 1];
	return NULL;
}

/* The first problem stops the parser: nothing after it is worth reading. */
static void fail(struct xstate *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

static void
fail(struct xstate *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	s->failed = true;
	s->err->line = (unsigned)XML_GetCurrentLineNumber(s->parser);
	s->err->col = (unsigned)XML_GetCurrentColumnNumber(s->parser) + 1;
	va_start(ap, fmt);
	vsnprintf(s->err->msg, sizeof(s->err->msg), fmt, ap);
	va_end(ap);
	XML_StopParser(s->parser, XML_FALSE);
}

static bool
blank(const char *t, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)t[i]))
			return false;
	return true;
}

/* Text seen inside cur: kept where allowed, else only blanks may be. */
static void
flush_text(struct xstate *s)
{
	if (s->cur == NULL || s->text.len == 0)
		return;
	if (s->lim->text_in != NULL && strcmp(s->cur->name,
	    s->lim->text_in) == 0) {
		free(s->cur->text);
		s->cur->text = xstrndup(s->text.data, s->text.len);
	} else if (!blank(s->text.data, s->text.len))
		fail(s, "text inside <%.80s> (only <notice> holds text)",
		    s->cur->name);
	buf_reset(&s->text);
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct xstate *s = data;
	struct xnode *n;
	size_t i, k;

	flush_text(s);
	if (s->failed)
		return;
	if (++s->depth > s->lim->max_depth) {
		fail(s, "elements nested deeper than %u", s->lim->max_depth);
		return;
	}
	if (++s->nodes > s->lim->max_nodes) {
		fail(s, "more than %zu elements", s->lim->max_nodes);
		return;
	}
	n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(name);
	n->line = (unsigned)XML_GetCurrentLineNumber(s->parser);
	n->col = (unsigned)XML_GetCurrentColumnNumber(s->parser) + 1;
	for (k = 0; atts[k] != NULL; k += 2)
		;
	n->attrs = xcalloc(k + 1, sizeof(*n->attrs));
	n->nattrs = k / 2;
	for (i = 0; i < k; i++)
		n->attrs[i] = xstrdup(atts[i]);
	n->parent = s->cur;
	if (s->cur == NULL)
		s->root = n;
	else {
		s->cur->kids = xreallocarray(s->cur->kids, s->cur->nkids + 1,
		    sizeof(*s->cur->kids));
		s->cur->kids[s->cur->nkids++] = n;
	}
	s->cur = n;
	for (i = 1; i < k; i += 2)
		if (strlen(atts[i]) > s->lim->max_attr) {
			fail(s, "attribute '%.80s' is too long", atts[i - 1]);
			return;
		}
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
	struct xstate *s = data;

	(void)name;
	flush_text(s);
	if (s->cur != NULL)
		s->cur = s->cur->parent;
	s->depth--;
}

static void XMLCALL
on_text(void *data, const XML_Char *t, int len)
{
	struct xstate *s = data;

	if (s->failed || s->cur == NULL)
		return;
	if (s->text.len + (size_t)len > s->lim->max_text) {
		fail(s, "text inside <%.80s> is too long", s->cur->name);
		return;
	}
	buf_add(&s->text, t, (size_t)len);
}

/*
 * An internal DTD may say what the document looks like (repo's docs show
 * one); it may not define entities, and nothing is fetched from outside.
 */
static void XMLCALL
on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct xstate *s = data;

	(void)name;
	(void)has_internal_subset;
	if (sysid != NULL || pubid != NULL)
		fail(s, "a DOCTYPE naming an external DTD (%.80s) is refused: "
		    "nothing is read from outside the manifest", sysid ? sysid :
		    pubid);
}

static void XMLCALL
on_entity(void *data, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	struct xstate *s = data;

	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(s, "entity declarations are refused (entity '%.80s'): a "
	    "manifest needs none, and they can expand without bound", name);
}

int
xtree_parse(struct xnode **root, const char *text, size_t len,
    const struct xtree_limits *lim, struct xtree_error *err)
{
	struct xstate s;
	enum XML_Status st;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	memset(err, 0, sizeof(*err));
	*root = NULL;
	s.lim = lim;
	s.err = err;
	buf_init(&s.text);
	/* UTF-8 whatever the declaration says: what githerd checks is UTF-8. */
	if ((s.parser = XML_ParserCreate("UTF-8")) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto out;
	}
	XML_SetUserData(s.parser, &s);
	XML_SetElementHandler(s.parser, on_start, on_end);
	XML_SetCharacterDataHandler(s.parser, on_text);
	XML_SetStartDoctypeDeclHandler(s.parser, on_doctype);
	XML_SetEntityDeclHandler(s.parser, on_entity);
	XML_SetParamEntityParsing(s.parser, XML_PARAM_ENTITY_PARSING_NEVER);
	if (len > (size_t)0x7fffffff) {
		snprintf(err->msg, sizeof(err->msg), "manifest too large");
		goto out;
	}
	st = XML_Parse(s.parser, text, (int)len, XML_TRUE);
	if (s.failed)
		goto out;
	if (st != XML_STATUS_OK) {
		err->line = (unsigned)XML_GetCurrentLineNumber(s.parser);
		err->col = (unsigned)XML_GetCurrentColumnNumber(s.parser) + 1;
		snprintf(err->msg, sizeof(err->msg), "XML: %s",
		    XML_ErrorString(XML_GetErrorCode(s.parser)));
		goto out;
	}
	*root = s.root;
	s.root = NULL;
	rc = 0;
out:
	xnode_free(s.root);
	buf_release(&s.text);
	if (s.parser != NULL)
		XML_ParserFree(s.parser);
	return rc;
}
