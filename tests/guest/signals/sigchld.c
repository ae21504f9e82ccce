/* A forked child's exit sends SIGCHLD to the parent; the handler sees si_pid and si_status. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got, status, from_child;
static volatile pid_t child;

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    got++;
    status = si->si_status;
    from_child = si->si_pid == child;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    child = fork();
    if (child == 0)
        _exit(42);
    while (!got)
        sigsuspend(&old);
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("sigchld %d status %d from child %d waited %d exit %d\n", got, status, from_child, w == child, WEXITSTATUS(st));
    return 0;
}
