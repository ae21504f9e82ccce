/* raise and kill(getpid()) with SA_SIGINFO: si_code, si_pid; SA_NODEFER, SA_RESETHAND, the handler's
   mask (sa_mask plus the signal itself), registers and FPU state preserved across the handler,
   and a handler that changes xmm and x87 state that rt_sigreturn must undo. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <ucontext.h>

static volatile int depth, calls;

static int edited;
unsigned long entry_rsp;

/* The handler's first instruction sees the stack as after a call: rsp + 8 is 16-byte aligned. */
__attribute__((naked)) void entry(int sig, siginfo_t *si, void *ctx)
{
    __asm__("mov %rsp, entry_rsp(%rip)\n\tjmp show");
}

void show(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    fpregset_t fp = uc->uc_mcontext.fpregs;
    printf("entry rsp+8 aligned %d\n", (entry_rsp + 8) % 16 == 0);
    printf("fpstate aligned %d above frame %d saved mxcsr %#x\n", ((unsigned long)fp & 63) == 0, (char *)fp > (char *)uc, fp->mxcsr);
    if (!edited++)
        fp->_xmm[1].element[0] = 0x12345678;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sig %d code %d from-self %d blocked-self %d blocked-usr2 %d\n", sig, si->si_code,
           si->si_pid == getpid(), sigismember(&cur, sig), sigismember(&cur, SIGUSR2));
    unsigned mxcsr, changed = 0x7f80;
    __asm__ volatile("stmxcsr %0\n\tpxor %%xmm0, %%xmm0\n\tldmxcsr %1" : "=m"(mxcsr) : "m"(changed) : "xmm0");
    printf("handler starts with mxcsr %#x\n", mxcsr);
}

static void nested(int sig)
{
    calls++;
    if (depth++ == 0)
        raise(sig);
    printf("nested depth %d\n", depth);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = entry;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);

    double d = 1.5;
    unsigned mine = 0x5f80, after;
    __asm__ volatile("ldmxcsr %1\n\tmovsd %0, %%xmm0" : : "m"(d), "m"(mine) : "xmm0");
    raise(SIGUSR1);
    unsigned long back, xmm1;
    __asm__ volatile("movq %%xmm0, %0\n\tmovq %%xmm1, %1" : "=r"(back), "=r"(xmm1));
    printf("xmm1 edited by the handler %#lx\n", xmm1);
    __asm__ volatile("stmxcsr %0" : "=m"(after));
    printf("xmm0 after handler %#lx mxcsr %#x\n", back, after);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);

    struct sigaction nd;
    memset(&nd, 0, sizeof nd);
    nd.sa_handler = nested;
    nd.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &nd, NULL);
    raise(SIGUSR2);
    depth = 1;
    nd.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &nd, NULL);
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    printf("calls %d reset-to-default %d\n", calls, now.sa_handler == SIG_DFL);

    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    printf("ignored SIGTERM\n");
    signal(SIGTERM, SIG_DFL);
    fflush(stdout);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
