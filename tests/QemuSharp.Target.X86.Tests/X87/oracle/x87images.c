/* Host-CPU oracle for the x87 memory images: runs a fixed instruction sequence, then writes
 * the first 160 bytes of its FXSAVE area, its 28-byte FNSTENV image and the control word
 * that FNSTENV leaves behind. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    static uint8_t env[28];
    static uint16_t cw = 0x0A7F, after;
    __asm__ volatile(
        "fninit\n\t"
        "fldcw %3\n\t"
        "fld1\n\tfldz\n\tfldpi\n\tfld1\n\tfchs\n\tfsqrt\n\t"
        "fdecstp\n\tfdecstp\n\tfincstp\n\tffree %%st(4)\n\t"
        "fxsave %0\n\t"
        "fnstenv %1\n\t"
        "fnstcw %2\n\t"
        "fninit"
        : "=m"(fx), "=m"(env), "=m"(after)
        : "m"(cw));
    fwrite(fx, 1, 160, stdout);
    fwrite(env, 1, sizeof env, stdout);
    fwrite(&after, 1, sizeof after, stdout);
    return 0;
}
