/* Integer arithmetic through the compiler's own code: hashing, sorting, 128-bit and division. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    uint64_t x = 88172645463325252ULL;
    int64_t v[2000];
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        v[i] = (int64_t)x;
    }
    qsort(v, 2000, sizeof v[0], cmp);
    printf("sorted %lld %lld %lld\n", (long long)v[0], (long long)v[1000], (long long)v[1999]);
    unsigned __int128 p = (unsigned __int128)v[5] * (unsigned __int128)(uint64_t)v[7];
    printf("mul128 %016llx%016llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
    __int128 q = ((__int128)v[3] << 40) / (v[9] | 1);
    printf("div128 %lld\n", (long long)q);
    for (int64_t d = -7; d <= 7; d++)
        if (d)
            printf("%lld/%lld=%lld r%lld  ", (long long)v[11], (long long)d, (long long)(v[11] / d), (long long)(v[11] % d));
    printf("\n");
    char buf[4096];
    for (int i = 0; i < 4096; i++)
        buf[i] = (char)(i * 7 + i / 13);
    printf("fnv %016llx\n", (unsigned long long)fnv1a(buf, sizeof buf));
    printf("strlen %zu strchr %ld memcmp %d\n", strlen(buf + 1), (long)(strchr(buf + 1, 'A') - buf), memcmp(buf, buf + 1, 64) > 0);
    printf("popcount %d clz %d ctz %d bswap %016llx\n", __builtin_popcountll(x), __builtin_clzll(x | 1), __builtin_ctzll(x | 1ULL << 63),
           (unsigned long long)__builtin_bswap64(x));
    char *s = malloc(1 << 20);
    memset(s, 'x', 1 << 20);
    s[(1 << 20) - 1] = 0;
    printf("big strlen %zu\n", strlen(s));
    free(s);
    return 0;
}
