/* Blocked signals stay pending (sigpending) and are delivered when sigprocmask unblocks them,
   lowest number first; a standard signal is pending once, real-time signals queue; sigtimedwait
   takes a blocked signal; sigsuspend waits with a temporary mask. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    printf("handled %d value %d\n", sig, si->si_code == SI_QUEUE ? si->si_value.sival_int : -1);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    int sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGRTMIN + 1 };
    for (int i = 0; i < 4; i++)
        sigaction(sigs[i], &sa, NULL);
    sigset_t block, pending;
    sigemptyset(&block);
    for (int i = 0; i < 4; i++)
        sigaddset(&block, sigs[i]);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    raise(SIGUSR2);
    raise(SIGUSR1);
    union sigval v;
    for (int i = 0; i < 3; i++)
    {
        v.sival_int = 10 + i;
        sigqueue(getpid(), SIGRTMIN + 1, v);
    }
    sigpending(&pending);
    printf("pending usr1 %d usr2 %d hup %d rt %d\n", sigismember(&pending, SIGUSR1), sigismember(&pending, SIGUSR2),
           sigismember(&pending, SIGHUP), sigismember(&pending, SIGRTMIN + 1));
    printf("unblocking\n");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("unblocked\n");
    sigpending(&pending);
    printf("pending usr1 %d\n", sigismember(&pending, SIGUSR1));

    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGHUP);
    siginfo_t si;
    struct timespec ts = { 0, 1000000 };
    int got = sigtimedwait(&block, &si, &ts);
    printf("sigtimedwait %d code %d\n", got, si.si_code);
    got = sigtimedwait(&block, &si, &ts);
    printf("sigtimedwait again %d\n", got);

    raise(SIGUSR1);
    sigset_t wait_mask;
    sigfillset(&wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsuspend %d mask restored %d\n", r, sigismember(&cur, SIGUSR1));
    return 0;
}
