/* Integer division by zero raises SIGFPE with FPE_INTDIV at the divide; the handler skips the
   instruction by editing RIP in the ucontext. INT_MIN / -1 faults the same way. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char div_start[], div_end[], ovf_start[], ovf_end[];

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    int first = (char *)g[REG_RIP] == div_start;
    printf("sig %d code %d at %s addr-matches %d trapno %lld\n", sig, si->si_code, first ? "div" : "idiv",
           si->si_addr == (void *)g[REG_RIP], g[REG_TRAPNO]);
    g[REG_RIP] = (greg_t)(first ? div_end : ovf_end);
    g[REG_RAX] = 99;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    long q;
    __asm__ volatile("xor %%edx, %%edx\n\tmov $10, %%eax\n\txor %%ecx, %%ecx\n"
                     "div_start: div %%ecx\ndiv_end:\n\tmov %%rax, %0" : "=r"(q) : : "rax", "rcx", "rdx");
    printf("quotient %ld\n", q);
    __asm__ volatile("mov $0x80000000, %%eax\n\tcdq\n\tmov $-1, %%ecx\n"
                     "ovf_start: idiv %%ecx\novf_end:\n\tmov %%rax, %0" : "=r"(q) : : "rax", "rcx", "rdx");
    printf("quotient %ld\n", q);
    return 0;
}
