#include <criterion/criterion.h>

#include <string.h>

#include "lfs.h"

#define OID	"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
#define V1	"version https://git-lfs.github.com/spec/v1\n"

static bool
pointer(const char *s)
{
	return lfs_is_pointer(s, strlen(s));
}

static bool
uses(const char *s)
{
	return lfs_attributes_use_lfs(s, strlen(s));
}

/* What `git lfs pointer --file` and git-lfs's spec.md show. */
Test(lfs, pointers_as_git_lfs_writes_them)
{
	cr_expect(pointer(V1 OID "size 12345\n"));
	cr_expect(pointer("version https://hawser.github.com/spec/v1\n" OID
	    "size 0\n"));
	/* Extension keys sort before oid; any key may carry a value. */
	cr_expect(pointer(V1 "ext-0-foo sha256:" "00\n" OID "size 3\n"));
}

Test(lfs, anything_else_is_content)
{
	char big[LFS_POINTER_MAX + 10];

	cr_expect(!pointer(""));
	cr_expect(!pointer(V1));
	cr_expect(!pointer(V1 OID));			/* no size */
	cr_expect(!pointer(V1 "size 3\n"));		/* no oid */
	cr_expect(!pointer(V1 "size 3\n" OID));		/* keys out of order */
	cr_expect(!pointer(V1 OID OID "size 3\n"));	/* a key twice */
	cr_expect(!pointer(V1 OID "size 3"));		/* no final newline */
	cr_expect(!pointer(V1 OID "size -3\n"));
	cr_expect(!pointer(V1 OID "size 3\r\n"));
	cr_expect(!pointer(V1 "oid sha256:4D7A\n" "size 3\n"));
	cr_expect(!pointer(V1 "oid md5:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b"
	    "1258daaa5e2ca24d17e2393\n" "size 3\n"));
	cr_expect(!pointer("version https://git-lfs.github.com/spec/v2\n" OID
	    "size 3\n"));
	cr_expect(!pointer(OID V1 "size 3\n"));		/* version not first */
	cr_expect(!pointer(V1 OID "Size 3\n"));		/* keys are lowercase */
	cr_expect(!pointer(V1 OID "\nsize 3\n"));	/* an empty line */
	cr_expect(!lfs_is_pointer(V1 OID "size 3\n\0", sizeof(V1 OID "size 3\n")));
	/* The size limit: a pointer grown to 1024 bytes is content. */
	memset(big, 'a', sizeof(big));
	memcpy(big, V1 OID "size 3\nx-pad ", strlen(V1 OID "size 3\nx-pad "));
	big[LFS_POINTER_MAX - 1] = '\n';
	cr_expect(lfs_is_pointer(big, LFS_POINTER_MAX - 1 + 0) == false);
	cr_expect(lfs_is_pointer(big, LFS_POINTER_MAX) == false);
	big[LFS_POINTER_MAX - 2] = '\n';
	cr_expect(lfs_is_pointer(big, LFS_POINTER_MAX - 1));
}

Test(lfs, attribute_files_that_hand_paths_to_git_lfs)
{
	/* What `git lfs track "*.bin"` writes. */
	cr_expect(uses("*.bin filter=lfs diff=lfs merge=lfs -text\n"));
	cr_expect(uses("*.txt text\r\n\tassets/** filter=lfs\r\n"));
	cr_expect(uses("x filter=lfs"));			/* no newline */
	cr_expect(!uses(""));
	cr_expect(!uses("# *.bin filter=lfs\n"));
	cr_expect(!uses("[attr]big filter=lfs diff=lfs\n"));	/* a macro */
	cr_expect(!uses("*.bin -filter\n*.c filter=lfsx\n"));
	cr_expect(!uses("filter=lfs text\n"));	/* a pattern so named */
	cr_expect(!uses("*.bin !filter diff=lfs\n"));
}
