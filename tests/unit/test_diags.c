/*
 * Diagnostics: printed in file order whatever order they were found in,
 * with the file's own problems first, every byte from outside made safe;
 * and the typo fixes "did you mean" offers.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "diags.h"

Test(diags, printed_in_file_order_and_sanitised)
{
	struct diags d;
	char *text;

	diags_init(&d);
	d.file = strdup("m.yaml");
	diags_add(&d, 9, 3, "third");
	diags_add(&d, 2, 7, "second \033[31mred");
	diags_add(&d, 0, 0, "about the file");
	diags_add(&d, 2, 1, "first on line 2");
	text = diags_format(&d);
	cr_expect_str_eq(text,
	    "m.yaml: about the file\n"
	    "m.yaml:2:1: first on line 2\n"
	    "m.yaml:2:7: second red\n"
	    "m.yaml:9:3: third\n");
	free(text);
	diags_release(&d);
}

Test(diags, suggests_only_close_words)
{
	static const char *const keys[] = { "url", "path", "branch", "tag",
	    "submodules", NULL };

	cr_expect_str_eq(diags_suggest("branh", keys), "branch");
	cr_expect_str_eq(diags_suggest("submodule", keys), "submodules");
	cr_expect_str_eq(diags_suggest("tga", keys), "tag");
	cr_expect_null(diags_suggest("frobnicate", keys));
	cr_expect_null(diags_suggest("x", keys), "no fix shorter than its "
	    "distance");
}
