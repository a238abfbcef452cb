// C library functions that Swift's Glibc module does not expose.
#include <stddef.h>
#if defined(__linux__)
#include <malloc.h>   // mallopt: allocator tuning
#endif
// memmem (a GNU extension on glibc, standard on macOS): byte-string search.
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
