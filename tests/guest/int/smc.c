/* Self-modifying code: a function written into memory, run, rewritten in place and run again. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
    unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* mov eax, imm32; ret */
    unsigned char f[] = { 0xb8, 1, 0, 0, 0, 0xc3 };
    int total = 0;
    for (int i = 0; i < 50; i++) {
        f[1] = (unsigned char)i;
        memcpy(code, f, sizeof f);
        total += ((int (*)(void))code)();
    }
    /* A loop that patches its own next instruction's immediate while running. */
    printf("total %d\n", total);
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    printf("after mprotect %d\n", ((int (*)(void))code)());
    return 0;
}
