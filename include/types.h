/*
 * What both sides of the fork name: the kinds of ref a manifest entry
 * asks for, with their names.  No functions beyond the name tables.
 */
#ifndef GITHERD_TYPES_H
#define GITHERD_TYPES_H

enum ref_kind {
	REF_DEFAULT,		/* the remote's default branch */
	REF_BRANCH,
	REF_TAG,
	REF_COMMIT,		/* a full 40-hex object id */
	REF_VERSION,		/* vcstool: branch, tag or commit, resolved remotely */
};

const char	*ref_kind_name(enum ref_kind);

#endif
