#include "errclass.h"

static const char *const names[ERR_CLASS_MAX] = {
	[ERR_NONE] = "none",
	[ERR_NETWORK] = "network",
	[ERR_TIMEOUT] = "timeout",
	[ERR_SERVER] = "server",
	[ERR_RATE_LIMITED] = "rate-limited",
	[ERR_AUTH] = "auth",
	[ERR_NOT_FOUND] = "not-found",
	[ERR_BAD_REF] = "bad-ref",
	[ERR_CERTIFICATE] = "certificate",
	[ERR_LOCAL_CONFLICT] = "local-conflict",
	[ERR_DISK] = "disk",
	[ERR_REFUSED] = "refused",
	[ERR_CANCELLED] = "cancelled",
	[ERR_CRASHED] = "crashed",
	[ERR_PROTOCOL] = "protocol",
	[ERR_INTERNAL] = "internal",
};

const char *
errclass_name(enum err_class c)
{
	if ((unsigned)c >= ERR_CLASS_MAX)
		return "internal";
	return names[c];
}
