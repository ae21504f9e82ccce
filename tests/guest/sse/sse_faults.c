/*
 * SIMD exceptions and alignment faults. Case argv[1]: 0-3 unmask one MXCSR exception and raise it
 * (invalid, divide-by-zero, overflow, precision): #XM must arrive as SIGFPE with the destination
 * register unchanged and MXCSR's flag set; 4-5 use a misaligned 16-byte operand of an aligned form
 * (#GP, SIGSEGV); 6 the same address through MOVUPS, which must not fault. The handler prints the
 * signal, XMM0 and MXCSR as the signal frame saw them.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    const uint32_t *x0 = (const uint32_t *)&fp->_xmm[0];
    printf("signal %d code %d xmm0 %08x %08x %08x %08x mxcsr %08x\n", sig, si->si_code, x0[0], x0[1], x0[2], x0[3], fp->mxcsr);
    fflush(stdout);
    _exit(0);
}

static uint8_t buffer[64] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
    int which = argc > 1 ? atoi(argv[1]) : 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    static const uint32_t unmask[] = { 0x1f00, 0x1d80, 0x1b80, 0x0f80 };
    static const uint64_t a[] = { 0x7ff4000000000000, 0x3ff0000000000000, 0x7fe0000000000000, 0x3ff0000000000000 };
    static const uint64_t b[] = { 0x3ff0000000000000, 0, 0x7fe0000000000000, 0x3c00000000000000 };
    memset(buffer, 0x11, sizeof buffer);
    printf("case %d\n", which);
    fflush(stdout);
    if (which < 4) {
        uint32_t csr = unmask[which];
        __asm__ volatile("ldmxcsr %0" : : "m"(csr));
        __asm__ volatile("movq %0, %%xmm0\n\tmovq %1, %%xmm1\n\t" : : "r"(a[which]), "r"(b[which]) : "xmm0", "xmm1");
        if (which == 1)
            __asm__ volatile("divsd %%xmm1, %%xmm0" : : : "xmm0");
        else if (which == 2)
            __asm__ volatile("mulsd %%xmm1, %%xmm0" : : : "xmm0");
        else
            __asm__ volatile("addsd %%xmm1, %%xmm0" : : : "xmm0");
    } else if (which == 4) {
        __asm__ volatile("pxor %%xmm0, %%xmm0\n\tmovaps 8(%0), %%xmm0" : : "r"(buffer) : "xmm0", "memory");
    } else if (which == 5) {
        __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpaddb 8(%0), %%xmm0" : : "r"(buffer) : "xmm0", "memory");
    } else {
        uint32_t out[4];
        __asm__ volatile("movups 8(%1), %%xmm0\n\tmovups %%xmm0, %0" : "=m"(out) : "r"(buffer) : "xmm0", "memory");
        printf("no fault %08x\n", out[0]);
        return 0;
    }
    printf("no fault\n");
    return 1;
}
