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
