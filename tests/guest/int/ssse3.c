/* Uses PSHUFB (SSSE3): it runs where CPUID reports SSSE3 and raises #UD (SIGILL) where it does not. */
#include <stdio.h>

int main(void)
{
    unsigned char a[16] __attribute__((aligned(16))), m[16] __attribute__((aligned(16)));
    for (int i = 0; i < 16; i++) {
        a[i] = (unsigned char)(i * 3);
        m[i] = (unsigned char)(15 - i);
    }
    __asm__ volatile("movdqa %0, %%xmm0\n\tpshufb %1, %%xmm0\n\tmovdqa %%xmm0, %0" : "+m"(a) : "m"(m) : "xmm0");
    printf("%d %d\n", a[0], a[15]);
    return 0;
}
