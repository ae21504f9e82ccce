/* Signals and threads: a process-directed signal blocked everywhere waits until a thread unblocks it
   (here in sigsuspend) and runs there;
   pthread_kill reaches one thread, even while it is blocked in a host read. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_t worker;
static volatile int on_worker, hits;
static int fds[2];
static pthread_barrier_t ready;

static void handler(int sig)
{
    (void)sig;
    on_worker = pthread_equal(pthread_self(), worker);
    hits++;
}

static void *work(void *arg)
{
    (void)arg;
    sigset_t none;
    sigemptyset(&none);
    pthread_barrier_wait(&ready);
    sigsuspend(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    printf("worker woke, handled on worker %d\n", on_worker);
    fflush(stdout);
    pthread_barrier_wait(&ready);
    char c;
    ssize_t n = read(fds[0], &c, 1);
    printf("worker read %zd %s hits %d\n", n, n < 0 ? strerror(errno) : "", hits);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    pipe(fds);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    pthread_barrier_init(&ready, NULL, 2);
    pthread_create(&worker, NULL, work, NULL);
    pthread_barrier_wait(&ready);
    kill(getpid(), SIGUSR1);
    pthread_barrier_wait(&ready);
    /* The worker may not be inside read() yet: keep signalling until it has returned. */
    for (int i = 0; i < 100 && hits < 2; i++)
    {
        usleep(20000);
        pthread_kill(worker, SIGUSR2);
    }
    pthread_join(worker, NULL);
    sigset_t pending;
    sigpending(&pending);
    printf("main never handled: pending usr1 %d\n", sigismember(&pending, SIGUSR1));
    return 0;
}
