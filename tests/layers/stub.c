/*
 * `make check-layers`: linked with every object of src/common and
 * src/parent, and without libgit2 or src/worker, this program only
 * builds if the parent's side calls neither.  It is never run.
 */
int	main(void);

int
main(void)
{
	return 0;
}
