#include <string.h>

#include "lfs.h"

static const char *const versions[] = {
	"https://git-lfs.github.com/spec/v1",
	"https://hawser.github.com/spec/v1",	/* git-lfs still reads it */
	NULL
};

static bool
all_of(const char *s, size_t len, const char *set)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

static bool
known_version(const char *v, size_t len)
{
	const char *const *p;

	for (p = versions; *p; p++)
		if (strlen(*p) == len && memcmp(*p, v, len) == 0)
			return true;
	return false;
}

/* The value of a key the spec fixes: oid and size; others pass. */
static bool
value_ok(const char *key, size_t klen, const char *v, size_t vlen)
{
	if (klen == 3 && memcmp(key, "oid", 3) == 0)
		return vlen == 7 + 64 && memcmp(v, "sha256:", 7) == 0 &&
		    all_of(v + 7, 64, "0123456789abcdef");
	if (klen == 4 && memcmp(key, "size", 4) == 0)
		return vlen <= 20 && all_of(v, vlen, "0123456789");
	return vlen > 0 && memchr(v, '\0', vlen) == NULL;
}

/* Is key after prev in byte order (the spec sorts the keys after version)? */
static bool
after(const char *prev, size_t plen, const char *key, size_t klen)
{
	size_t n = plen < klen ? plen : klen;
	int c = memcmp(prev, key, n);

	return c < 0 || (c == 0 && plen < klen);
}

bool
lfs_is_pointer(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl, *sp, *prev = NULL;
	size_t plen = 0, klen;
	bool first = true, oid = false, size = false;

	if (len == 0 || len >= LFS_POINTER_MAX || data[len - 1] != '\n')
		return false;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp == NULL || sp == p)
			return false;
		klen = (size_t)(sp - p);
		if (!all_of(p, klen, "abcdefghijklmnopqrstuvwxyz0123456789.-"))
			return false;
		if (first) {
			if (klen != 7 || memcmp(p, "version", 7) != 0 ||
			    !known_version(sp + 1, (size_t)(nl - sp - 1)))
				return false;
			first = false;
			continue;
		}
		if ((prev != NULL && !after(prev, plen, p, klen)) ||
		    !value_ok(p, klen, sp + 1, (size_t)(nl - sp - 1)))
			return false;
		oid |= klen == 3 && memcmp(p, "oid", 3) == 0;
		size |= klen == 4 && memcmp(p, "size", 4) == 0;
		prev = p;
		plen = klen;
	}
	return oid && size;
}

/* One attribute token: "filter=lfs" exactly. */
static bool
token_is_lfs(const char *t, size_t len)
{
	return len == 10 && memcmp(t, "filter=lfs", 10) == 0;
}

static bool
line_uses_lfs(const char *p, size_t len)
{
	size_t i = 0, start;
	bool pattern = true;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == len || p[i] == '#' || p[i] == '[')
		return false;	/* blank, a comment, a macro ([attr]name) */
	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		start = i;
		while (i < len && p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			i++;
		if (i == start)
			break;
		/* The first token is the pattern, even one named filter=lfs. */
		if (!pattern && token_is_lfs(p + start, i - start))
			return true;
		pattern = false;
	}
	return false;
}

bool
lfs_attributes_use_lfs(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (line_uses_lfs(p, (size_t)(nl - p)))
			return true;
		p = nl + 1;
	}
	return false;
}
