/* Host-CPU oracle for the x87 tests: reads 24-byte cases from stdin
 * (op u8, setup u8, control word u16, operand a[10], operand b[10]), runs each on the real FPU
 * and writes 108 bytes of FNSAVE image followed by the 10-byte memory operand per case. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct kase { uint8_t op, setup; uint16_t cw; uint8_t a[10], b[10]; };

static void run(const struct kase *k, uint8_t *save, uint8_t *mem)
{
    memcpy(mem, k->b, 10);
    __asm__ volatile("fninit");
    __asm__ volatile("fldcw %0" : : "m"(k->cw));
    switch (k->setup) {
    case 3:
        __asm__ volatile("fldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz");
        /* fall through */
    case 0:
        __asm__ volatile("fldt %0" : : "m"(*(const long double *)k->b));
        /* fall through */
    case 1:
        __asm__ volatile("fldt %0" : : "m"(*(const long double *)k->a));
        break;
    default:
        break;
    }
#define OP(n, text) case n: __asm__ volatile(text); break;
#define MOP(n, text) case n: __asm__ volatile(text " %0" : "+m"(*(uint8_t(*)[10])mem)); break;
    switch (k->op) {
    OP(0, "fadd %st(1), %st") OP(1, "fsub %st(1), %st") OP(2, "fsubr %st(1), %st")
    OP(3, "fmul %st(1), %st") OP(4, "fdiv %st(1), %st") OP(5, "fdivr %st(1), %st")
    OP(6, "fsqrt") OP(7, "frndint") OP(8, "fcom %st(1)") OP(9, "fucom %st(1)")
    OP(10, "fprem") OP(11, "fprem1") OP(12, "fscale") OP(13, "fxtract")
    OP(14, "fsin") OP(15, "fcos") OP(16, "fsincos") OP(17, "fptan") OP(18, "fpatan")
    OP(19, "fyl2x") OP(20, "fyl2xp1") OP(21, "f2xm1") OP(22, "fxam") OP(23, "ftst")
    MOP(24, "fsts") MOP(25, "fstl") MOP(26, "fists") MOP(27, "fistl") MOP(28, "fistpll")
    MOP(29, "fisttps") MOP(30, "fisttpl") MOP(31, "fisttpll") MOP(32, "fbstp")
    MOP(33, "flds") MOP(34, "fldl") MOP(35, "filds") MOP(36, "fildl") MOP(37, "fildll")
    MOP(38, "fbld") MOP(39, "faddl")
    OP(40, "fxch %st(1)") OP(41, "fchs") OP(42, "fabs")
    OP(43, "fld1") OP(44, "fldl2t") OP(45, "fldl2e") OP(46, "fldpi") OP(47, "fldlg2")
    OP(48, "fldln2") OP(49, "fldz") MOP(50, "fdivs")
    OP(51, "fcomi %st(1), %st") OP(52, "fucomi %st(1), %st")
    OP(53, "fst %st(1)") OP(54, "fincstp") OP(55, "fdecstp") OP(56, "ffree %st(1)")
    OP(57, "fld %st(1)") OP(58, "fcompp") OP(59, "fnclex")
    MOP(60, "fcoml") MOP(61, "fiaddl") MOP(62, "fsubrs") OP(63, "fucomip %st(1), %st")
    default: break;
    }
    __asm__ volatile("fnsave %0" : "=m"(*(uint8_t(*)[108])save));
}

int main(void)
{
    static struct kase cases[4096];
    static uint8_t out[4096][118];
    size_t n;
    while ((n = fread(cases, sizeof cases[0], 4096, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) {
            memset(out[i] + 108, 0xA5, 10);
            run(&cases[i], out[i], out[i] + 108);
        }
        fwrite(out, 118, n, stdout);
    }
    __asm__ volatile("fninit");
    return 0;
}
