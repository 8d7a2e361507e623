#include <stdlib.h>

#include "westimport.h"


void
west_import_free(struct west_import *wi)
{
	free(wi);
}

char *
west_import_request(const struct west_import *wi)
{
	(void)wi;
	return NULL;
}

