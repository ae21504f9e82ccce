/* fork, pipes, exec and wait: the parent collects what its children print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2];
    if (pipe(fds))
        return 1;
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char msg[32];
            int n = snprintf(msg, sizeof msg, "child %d\n", i);
            write(fds[1], msg, n);
            _exit(10 + i);
        }
        int status;
        waitpid(pid, &status, 0);
        printf("child %d exited %d\n", i, WEXITSTATUS(status));
    }
    close(fds[1]);
    char buf[256];
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("%s", buf);
    int heap_value = 41;
    pid_t pid = fork();
    if (pid == 0) {
        heap_value++;
        printf("in child value %d\n", heap_value);
        fflush(stdout);
        execl("/bin/busybox", "echo", "exec'd", "echo", NULL);
        _exit(99);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent value %d, child status %d\n", heap_value, WEXITSTATUS(status));
    return 0;
}
