/* The blocked mask and ignored dispositions survive execve; caught handlers reset to default. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void handler(int sig) { (void)sig; }

int main(int argc, char **argv)
{
    if (argc > 1) {
        sigset_t cur;
        struct sigaction sa;
        sigprocmask(SIG_BLOCK, NULL, &cur);
        printf("usr1 blocked %d, term blocked %d, int blocked %d\n",
               sigismember(&cur, SIGUSR1), sigismember(&cur, SIGTERM), sigismember(&cur, SIGINT));
        sigaction(SIGUSR2, NULL, &sa);
        printf("usr2 ignored %d\n", sa.sa_handler == SIG_IGN);
        sigaction(SIGHUP, NULL, &sa);
        printf("hup default %d\n", sa.sa_handler == SIG_DFL);
        raise(SIGUSR1);
        sigset_t pending;
        sigpending(&pending);
        printf("usr1 pending %d\n", sigismember(&pending, SIGUSR1));
        return 0;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGHUP, handler);
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "child", (char *)NULL);
    perror("execl");
    return 1;
}
