/* ud2 raises SIGILL (ILL_ILLOPN, si_addr = the instruction); the handler leaves with siglongjmp,
   which must restore the signal mask saved by sigsetjmp. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
extern char ud_at[];

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    printf("sig %d code %d addr-is-ud2 %d\n", sig, si->si_code, si->si_addr == (void *)ud_at);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("in handler SIGILL blocked %d\n", sigismember(&cur, SIGILL));
    siglongjmp(env, 1);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, NULL);
    for (int i = 0; i < 3; i++)
    {
        if (sigsetjmp(env, 1) == 0)
        {
            __asm__ volatile("ud_at: ud2");
            printf("not reached\n");
        }
        sigset_t cur;
        sigprocmask(SIG_BLOCK, NULL, &cur);
        printf("recovered %d SIGILL blocked %d\n", i, sigismember(&cur, SIGILL));
    }
    return 0;
}
