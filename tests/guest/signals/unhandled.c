/* A fault whose signal is ignored still kills (Linux forces synchronous signals), by that signal. */
#include <signal.h>
#include <stdio.h>

int main(void)
{
    signal(SIGSEGV, SIG_IGN);
    printf("before\n");
    fflush(stdout);
    *(volatile int *)8 = 1;
    printf("not reached\n");
    return 0;
}
