/* Contended atomics across threads: every increment must be counted exactly once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 4
#define ITERATIONS 20000

static atomic_long counter;
static long plain_total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int cas_word;

static void *work(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        atomic_fetch_add(&counter, 1);
        int expected;
        do
            expected = atomic_load(&cas_word);
        while (!atomic_compare_exchange_weak(&cas_word, &expected, expected + (int)id));
        if (i % 100 == 0) {
            pthread_mutex_lock(&lock);
            plain_total += id;
            pthread_mutex_unlock(&lock);
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, work, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("counter %ld\ncas %d\nlocked %ld\n", (long)atomic_load(&counter), atomic_load(&cas_word), plain_total);
    return 0;
}
