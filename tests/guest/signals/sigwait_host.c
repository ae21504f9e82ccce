/* The sigwait pattern: SIGTERM and SIGCHLD, left at SIG_DFL but blocked, sent by other processes,
   wait as pending signals until sigwaitinfo takes them. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t child = fork();
    if (child == 0)
    {
        kill(getppid(), SIGTERM);
        _exit(5);
    }
    int seen_term = 0, seen_chld = 0;
    while (!seen_term || !seen_chld)
    {
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig == SIGTERM && !seen_term++)
            printf("SIGTERM from child %d\n", si.si_pid == child);
        if (sig == SIGCHLD && !seen_chld++)
            printf("SIGCHLD status %d\n", si.si_status);
    }
    int st;
    waitpid(child, &st, 0);
    printf("child exit %d\n", WEXITSTATUS(st));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("still alive\n");
    fflush(stdout);
    kill(getpid(), SIGTERM);
    printf("not reached\n");
    return 0;
}
