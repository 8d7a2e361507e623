#include <stdlib.h>

#include "westimport.h"

void
west_import_free(struct west_import *wi)
{
	free(wi);
}
