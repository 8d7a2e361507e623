/*
 * The files a job was asked to read (msg_job.imports: west's imports),
 * read from the object database at the commit of the entry's revision,
 * not from its work tree, as west reads them from manifest-rev: a file
 * the user changed in the checkout, or a checkout githerd had to leave
 * alone, does not change what is imported.  Each is sent to the parent
 * as MSG_FILE pieces; a directory as its .yml and .yaml files, in name order.
 */
#ifndef GITHERD_IMPORTS_H
#define GITHERD_IMPORTS_H

#include "gitctx.h"

/* After a sync that fetched the revision; says nothing if none asked. */
void	imports_send(struct gitctx *);

#endif
