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
	unsigned char	  type;		/* enum ynode_type */
	bool		  plain;	/* scalar was unquoted */
	unsigned	  line, col;
	unsigned	  start, end;	/* scalars: its bytes in the source */
	unsigned	  len;		/* of value */
	unsigned	  nitems;
	char		 *value;	/* scalars: NUL-terminated text */
	struct ynode	**items;	/* seq: items; map: key, value, ... */
};

/*
 * A parsed document.  Its nodes, strings and item arrays live in a few
 * large blocks owned by the tree: a manifest of 10,000 entries costs a
 * handful of allocations, not a hundred thousand.
 */
struct ytree {
	struct ynode	*root;		/* NULL for an empty document */
	struct ychunk	*chunks;
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

/* Returns 0, or -1 with *err set and nothing to release. */
int		 ytree_parse(struct ytree *, const char *buf, size_t len,
		    const struct ytree_limits *, struct ytree_error *err);
void		 ytree_release(struct ytree *);
const char	*ynode_type_name(const struct ynode *);
bool		 ynode_is_null(const struct ynode *);

struct buf;
/* The other way: s as a YAML double-quoted scalar, safe for any text. */
void		 yaml_quote(struct buf *, const char *s);

#endif
