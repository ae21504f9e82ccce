/* A signal from another process (a forked child) reaches the handler and interrupts a blocking
   read without SA_RESTART (EINTR); with SA_RESTART the read goes on to get its data. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int hits;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (hits++ == 0)
        printf("sig %d code %d from parent's child %d\n", sig, si->si_code, si->si_pid != getpid());
}

static pid_t pester(int sig, int count, int fd)
{
    pid_t child = fork();
    if (child == 0)
    {
        for (int i = 0; i < count; i++)
        {
            usleep(30000);
            kill(getppid(), sig);
        }
        if (fd >= 0)
            write(fd, "y", 1);
        _exit(0);
    }
    return child;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    int fds[2];
    pipe(fds);
    pid_t child = pester(SIGUSR1, 1000, -1);
    char c;
    ssize_t n = read(fds[0], &c, 1);
    printf("read %zd %s\n", n, strerror(errno));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);

    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    child = pester(SIGUSR1, 5, fds[1]);
    n = read(fds[0], &c, 1);
    printf("read %zd %c handled %d\n", n, c, hits > 0);
    waitpid(child, NULL, 0);

    /* A real-time signal with a value, queued by another process, waited for with sigwaitinfo. */
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    child = fork();
    if (child == 0)
    {
        union sigval v = { .sival_int = 77 };
        sigqueue(getppid(), SIGRTMIN + 3, v);
        _exit(0);
    }
    siginfo_t si;
    int sig = sigwaitinfo(&rt, &si);
    printf("sigwaitinfo %d code %d value %d\n", sig - SIGRTMIN, si.si_code, si.si_value.sival_int);
    waitpid(child, NULL, 0);
    return 0;
}
