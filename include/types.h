/*
 * What both sides of the fork name: the kinds of ref a manifest entry
 * asks for, the phases of a job, its operations and flags, what it came
 * to, and what status finds at an entry; with their names.  No functions
 * beyond the name tables.
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

enum phase {
	PHASE_QUEUED,
	PHASE_CONNECT,
	PHASE_RECEIVE,
	PHASE_RESOLVE,
	PHASE_CHECKOUT,
	PHASE_SUBMODULES,
	PHASE_LFS,		/* --lfs: git lfs pull runs in the entry */
	PHASE_FINISH,
	PHASE_RUN,		/* githerd exec: the command runs (no worker) */
	PHASE_MAX
};

enum job_op {
	OP_SYNC,		/* clone, or update what is on disk */
	OP_STATUS,		/* compare what is on disk with the manifest */
	OP_RETIRE,		/* sync --prune: an entry the manifest dropped */
	OP_MAX
};

enum job_flags {
	JOBF_SUBMODULES = 1 << 0,
	JOBF_BARE = 1 << 1,
	JOBF_MIRROR = 1 << 2,
	JOBF_FETCH = 1 << 3,	/* status: ask the remote too */
	JOBF_NO_PRUNE = 1 << 4,	/* keep remote-tracking refs the remote lost */
	JOBF_REF_CHANGED = 1 << 5, /* the manifest's ref is not the placed one's */
	JOBF_SWITCH = 1 << 6,	/* move a checkout its user moved, too */
	JOBF_LFS = 1 << 7,	/* --lfs: git lfs pull where pointers are left */
};

/* What a job came to. */
enum outcome {
	RESULT_CLONED,
	RESULT_UPDATED,
	RESULT_UNCHANGED,	/* on disk and already as the manifest asks */
	RESULT_SKIPPED,		/* left alone to protect local work */
	RESULT_KEPT,		/* on the branch its user chose, updated */
	RESULT_FAILED,
	RESULT_CANCELLED,
	RESULT_CHECKED,		/* status: see the entry state */
	RESULT_MAX
};

/* What `githerd status` finds at an entry. */
enum entry_state {
	ES_OK,			/* on the manifest's ref, up to date, clean */
	ES_MISSING,
	ES_NOT_REPO,
	ES_WRONG_ORIGIN,
	ES_DIRTY,
	ES_BEHIND,
	ES_AHEAD,
	ES_DIVERGED,
	ES_OTHER_REF,		/* on another branch, tag or commit */
	ES_BROKEN,		/* cannot be read */
	ES_BLOCKED,		/* behind, but moving would lose local files */
	ES_PARTIAL_CLONE,	/* a partial clone: libgit2 cannot use it */
	ES_MAX
};

const char	*ref_kind_name(enum ref_kind);
const char	*phase_name(enum phase);
const char	*entry_state_name(enum entry_state);

#endif
