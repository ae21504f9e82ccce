/* An unknown system call must fail with ENOSYS and the program go on. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
    long r = syscall(1000);
    printf("syscall 1000 returned %ld errno %d\n", r, errno);
    return 0;
}
