/* int3 raises SIGTRAP (SI_KERNEL) with RIP after the instruction; a #GP (privileged instruction)
   raises SIGSEGV with SI_KERNEL and si_addr 0; the handler resumes after each. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

extern char after_int3[], hlt_at[], after_hlt[];

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    printf("sig %d code %d addr %p trapno %lld err %lld rip-after-int3 %d rip-at-hlt %d\n", sig, si->si_code, si->si_addr,
           g[REG_TRAPNO], g[REG_ERR], (char *)g[REG_RIP] == after_int3, (char *)g[REG_RIP] == hlt_at);
    if ((char *)g[REG_RIP] == hlt_at)
        g[REG_RIP] = (greg_t)after_hlt;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    __asm__ volatile("int3\nafter_int3:");
    printf("continued after int3\n");
    __asm__ volatile("hlt_at: hlt\nafter_hlt:");
    printf("continued after hlt\n");
    return 0;
}
