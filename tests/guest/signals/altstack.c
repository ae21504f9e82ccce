/* Unbounded recursion overflows the stack; the SIGSEGV handler runs on the sigaltstack (SA_ONSTACK),
   sees SS_ONSTACK in sigaltstack() and uc_stack, and leaves with siglongjmp. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;
static char *alt;
#define ALT_SIZE (64 * 1024)

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    char here;
    stack_t now;
    sigaltstack(NULL, &now);
    printf("sig %d code %d on-alt %d ss_flags %d uc_stack-flags %d uc_stack-is-alt %d\n", sig, si->si_code,
           &here > alt && &here < alt + ALT_SIZE, now.ss_flags, uc->uc_stack.ss_flags, uc->uc_stack.ss_sp == alt);
    siglongjmp(env, 1);
}

static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

int main(void)
{
    alt = malloc(ALT_SIZE);
    stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) != 0)
        perror("sigaltstack");
    stack_t small = { .ss_sp = alt, .ss_size = 100, .ss_flags = 0 };
    printf("too small: %d\n", sigaltstack(&small, NULL));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(env, 1) == 0)
        printf("%d\n", recurse(0));
    stack_t after;
    sigaltstack(NULL, &after);
    printf("after: flags %d size %zu\n", after.ss_flags, after.ss_size);
    return 0;
}
