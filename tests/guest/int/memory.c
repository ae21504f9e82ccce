/* mmap, mprotect, mremap, munmap, brk and /proc/self/maps as a program sees them. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 16 * page; i++)
        a[i] = (char)i;
    munmap(a + 4 * page, 4 * page);
    char *b = mremap(a, 4 * page, 64 * page, MREMAP_MAYMOVE);
    long sum = 0;
    for (size_t i = 0; i < 4 * page; i++)
        sum += b[i];
    printf("page %zu sum %ld zero %d\n", page, sum, b[32 * page]);
    madvise(b, page, MADV_DONTNEED);
    printf("after dontneed %d %d\n", b[0], b[page + 1]);
    char *top = sbrk(0);
    sbrk(3 * page);
    memset(top, 1, 3 * page);
    printf("brk grew %ld\n", (long)((char *)sbrk(0) - top));
    printf("mprotect %d\n", mprotect(b, page, PROT_READ));
    FILE *f = fopen("/proc/self/maps", "r");
    int lines = 0;
    char line[512];
    while (f && fgets(line, sizeof line, f))
        lines++;
    printf("maps has lines: %s\n", lines > 3 ? "yes" : "no");
    char exe[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    printf("exe ends with memory: %s\n", n > 6 && memcmp(exe + n - 6, "memory", 6) == 0 ? "yes" : "no");
    return 0;
}
