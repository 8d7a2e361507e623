/*
 * libyaml's event stream folded into a small tree, with the limits a
 * hostile manifest needs: no anchors or aliases (so no alias bombs and no
 * cycles), no tags, bounded depth, scalar length and node count, and
 * duplicate keys rejected.  Every node keeps its 1-based line and column.
 */
#ifndef GITHERD_YAMLTREE_H
#define GITHERD_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_type	  type;
	unsigned	  line, col;
	char		 *value;	/* scalars: NUL-terminated text */
	size_t		  len;
	bool		  plain;	/* scalar was unquoted */
	struct ynode	**items;	/* seq: items; map: key, value, ... */
	size_t		  nitems;
	size_t		  cap;
};

struct ytree_limits {
	size_t	max_depth;
	size_t	max_scalar;
	size_t	max_nodes;
};

struct ytree_error {
	unsigned	line, col;
	char		msg[256];
};

/* *root is NULL for an empty document.  Returns 0 or -1 with *err set. */
int		 ytree_parse(struct ynode **root, const char *buf, size_t len,
		    const struct ytree_limits *, struct ytree_error *err);
void		 ynode_free(struct ynode *);
const char	*ynode_type_name(const struct ynode *);
bool		 ynode_is_null(const struct ynode *);

#endif
