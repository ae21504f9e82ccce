/* Integer workload: sieve of Eratosthenes plus an xorshift hash chain. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000000;
    char *composite = calloc((size_t)n + 1, 1);
    long count = 0;
    for (long i = 2; i <= n; i++) {
        if (composite[i])
            continue;
        count++;
        for (long j = i * i; j <= n; j += i)
            composite[j] = 1;
    }
    uint64_t x = 88172645463325252ULL, h = 0;
    for (int i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        h = (h ^ x) * 0x100000001b3ULL;
    }
    printf("%ld primes, hash %016llx\n", count, (unsigned long long)h);
    return 0;
}
