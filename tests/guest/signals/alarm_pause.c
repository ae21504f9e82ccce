/* alarm + pause: SIGALRM arrives from the host kernel and interrupts pause; a handler with
   SA_RESTART lets a blocking read continue, without it the read fails with EINTR. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alarms;

static void on_alarm(int sig)
{
    alarms++;
    (void)sig;
}

static void set_handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

int main(void)
{
    set_handler(0);
    alarm(1);
    int r = pause();
    printf("pause %d errno %s alarms %d\n", r, strerror(errno), alarms);

    int fds[2];
    pipe(fds);
    /* Repeating, so that an alarm that comes before the read has begun is followed by another. */
    struct itimerval every = { { 0, 200000 }, { 0, 200000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &every, NULL);
    char c;
    ssize_t n = read(fds[0], &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("read without SA_RESTART %zd errno %s more alarms %d\n", n, strerror(errno), alarms > 1);
    alarms = 2;
    struct itimerval it = { { 0, 0 }, { 0, 200000 } };

    set_handler(SA_RESTART);
    setitimer(ITIMER_REAL, &it, NULL);
    if (fork() == 0)
    {
        usleep(600000);
        write(fds[1], "x", 1);
        _exit(0);
    }
    n = read(fds[0], &c, 1);
    printf("read with SA_RESTART %zd %c alarmed %d\n", n, c, alarms >= 3);
    return 0;
}
