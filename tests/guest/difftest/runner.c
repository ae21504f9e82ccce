/*
 * Differential-test runner. Reads cases from stdin and prints, for each, the registers, flags
 * and scratch memory after running it. The same static binary runs natively and under the
 * emulator; the test compares the two outputs.
 *
 * Input, little-endian: u32 count, then per case: u32 code length, code bytes, 16 u64
 * registers (RSP ignored; R15 is replaced by the scratch address), u64 flags, 256 bytes of
 * scratch memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void run_case(const uint64_t *in, uint64_t *out, void *code);
void save_state(void);

static int read_all(void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(0, (char *)buf + done, n - done);
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

int main(void)
{
    static unsigned char scratch[4096] __attribute__((aligned(64)));
    unsigned char *code = mmap(NULL, 65536, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t count;
    if (code == MAP_FAILED || read_all(&count, 4))
        return 2;
    for (uint32_t c = 0; c < count; c++) {
        uint32_t len;
        uint64_t in[17], out[17];
        if (read_all(&len, 4) || len > 60000 || read_all(code, len) || read_all(in, sizeof in)
            || read_all(scratch + 1024, 256))
            return 3;
        /* jmp [rip+0]; .quad save_state */
        static const unsigned char jmp[6] = { 0xff, 0x25, 0, 0, 0, 0 };
        uint64_t target = (uint64_t)(uintptr_t)save_state;
        memcpy(code + len, jmp, 6);
        memcpy(code + len + 6, &target, 8);
        in[15] = (uint64_t)(uintptr_t)(scratch + 1024 + 128);
        run_case(in, out, code);
        out[15] -= (uint64_t)(uintptr_t)scratch;
        for (int i = 0; i < 17; i++)
            printf("%016llx ", (unsigned long long)out[i]);
        for (int i = 0; i < 256; i++)
            printf("%02x", scratch[1024 + i]);
        printf("\n");
    }
    return 0;
}
