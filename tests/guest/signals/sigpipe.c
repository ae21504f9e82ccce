/* A write to a pipe without readers: the SIGPIPE handler runs before write returns EPIPE;
   ignored, only EPIPE; at SIG_DFL the process dies by SIGPIPE. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int handled;

static void on_pipe(int sig)
{
    (void)sig;
    handled++;
}

int main(void)
{
    int fds[2];
    pipe(fds);
    close(fds[0]);
    signal(SIGPIPE, on_pipe);
    ssize_t n = write(fds[1], "x", 1);
    int handled_before_return = handled;
    printf("write %zd %s handled before return %d\n", n, strerror(errno), handled_before_return);
    signal(SIGPIPE, SIG_IGN);
    n = write(fds[1], "x", 1);
    printf("ignored: write %zd %s handled %d\n", n, strerror(errno), handled);
    signal(SIGPIPE, SIG_DFL);
    fflush(stdout);
    write(fds[1], "x", 1);
    printf("not reached\n");
    return 0;
}
