#include "types.h"

const char *
ref_kind_name(enum ref_kind k)
{
	switch (k) {
	case REF_BRANCH:
		return "branch";
	case REF_TAG:
		return "tag";
	case REF_COMMIT:
		return "commit";
	case REF_VERSION:
		return "version";
	default:
		return "default";
	}
}

const char *
entry_state_name(enum entry_state s)
{
	static const char *const names[ES_MAX] = {
		[ES_OK] = "ok",
		[ES_MISSING] = "missing",
		[ES_NOT_REPO] = "not-a-repository",
		[ES_WRONG_ORIGIN] = "wrong-origin",
		[ES_DIRTY] = "dirty",
		[ES_BEHIND] = "behind",
		[ES_AHEAD] = "ahead",
		[ES_DIVERGED] = "diverged",
		[ES_OTHER_REF] = "other-ref",
		[ES_BROKEN] = "broken",
		[ES_BLOCKED] = "blocked",
		[ES_PARTIAL_CLONE] = "partial-clone",
	};

	return (unsigned)s < ES_MAX ? names[s] : "?";
}

const char *
phase_name(enum phase p)
{
	static const char *const names[PHASE_MAX] = {
		[PHASE_QUEUED] = "queued",
		[PHASE_CONNECT] = "connecting",
		[PHASE_RECEIVE] = "receiving",
		[PHASE_RESOLVE] = "resolving",
		[PHASE_CHECKOUT] = "checkout",
		[PHASE_SUBMODULES] = "submodules",
		[PHASE_LFS] = "lfs pull",
		[PHASE_FINISH] = "finishing",
		[PHASE_RUN] = "running",
	};

	return (unsigned)p < PHASE_MAX ? names[p] : "?";
}
