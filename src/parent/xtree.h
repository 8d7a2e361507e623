/*
 * An XML document (repo's manifests) read with expat into a small tree of
 * elements, with what a hostile file needs refused before it costs
 * anything: a DOCTYPE that declares an entity or names an external
 * subset (so no billion laughs and no external entities: only XML's five
 * predefined entities and character references are expanded), parameter
 * entities, depth, element count and attribute length past the limits.
 * Text is kept only where the caller allows it (repo's <notice>); other
 * text that is not blank is an error.  Every element keeps the 1-based
 * line and column where its start tag begins.  Pure: no file is read.
 */
#ifndef GITHERD_XTREE_H
#define GITHERD_XTREE_H

#include <stddef.h>

struct xnode {
	char		 *name;
	char		**attrs;	/* name, value, ..., NULL */
	size_t		  nattrs;	/* pairs */
	char		 *text;		/* allowed text, or NULL */
	unsigned	  line, col;
	struct xnode	**kids;
	size_t		  nkids;
	struct xnode	 *parent;
};

struct xtree_limits {
	unsigned	 max_depth;
	size_t		 max_nodes;
	size_t		 max_attr;	/* bytes of one attribute's value */
	size_t		 max_text;
	const char	*text_in;	/* the one element that may hold text */
};

struct xtree_error {
	unsigned	 line, col;
	char		 msg[256];
};

/* 0, or -1 with err filled and *root NULL.  Free the tree with xnode_free. */
int	xtree_parse(struct xnode **root, const char *text, size_t len,
	    const struct xtree_limits *, struct xtree_error *err);
void	xnode_free(struct xnode *);
/* The value of attribute name, or NULL. */
const char *xnode_attr(const struct xnode *, const char *name);

#endif
