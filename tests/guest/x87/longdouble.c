/*
 * long double code as gcc and glibc produce it (x87 arithmetic, conversions, libm functions,
 * printf and strtold), under each rounding mode and precision control setting, plus the status
 * word after operations, FXAM classes and #MF (SIGFPE) for an unmasked exception.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long double inputs[] = { 0.0L, -0.0L, 1.0L, -1.0L, 0.1L, 1.0L / 3, 2.5L, -7.75L, 3.141592653589793238L,
    1e10L, -1e-10L, 123456789.123456789L, 1e300L, 1e-300L, 1e4000L, 1e-4940L, 0x1p-16445L, 1.0e18L, 65535.5L, -0.5L };
#define N (int)(sizeof inputs / sizeof inputs[0])

static void hex(const char *label, long double v)
{
    unsigned char b[10];
    memcpy(b, (const void *)&v, 10);
    printf("%s ", label);
    for (int i = 9; i >= 0; i--) printf("%02x", b[i]);
    printf(" %.21Lg\n", v);
}

static uint16_t status(void)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}

static void set_cw(uint16_t cw) { __asm__ volatile("fldcw %0" ::"m"(cw)); }

static void arithmetic(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            long double a = inputs[i], b = inputs[j];
            __asm__ volatile("fnclex");
            long double s = a + b, d = a - b, p = a * b, q = a / b;
            uint16_t sw = status();
            printf("%d %d %04x ", i, j, sw & 0x3f);
            hex("s", s); hex("  d", d); hex("  p", p); hex("  q", q);
            printf("  cmp %d %d %d %d\n", a < b, a == b, a > b, isunordered(a, b));
        }
}

static void conversions(void)
{
    for (int i = 0; i < N; i++) {
        long double a = inputs[i];
        volatile double dd = (double)a;
        volatile float ff = (float)a;
        long long ll = (long long)a;
        unsigned long long ull = (unsigned long long)fabsl(a);
        uint64_t dbits;
        uint32_t fbits;
        memcpy(&dbits, (const void *)&dd, 8);
        memcpy(&fbits, (const void *)&ff, 4);
        printf("conv %d %016llx %08x %lld %llu %ld %lld\n", i, (unsigned long long)dbits, fbits, ll, ull, lrintl(a), llrintl(a));
        hex("  from", (long double)(double)dd + (long double)ll + (long double)ull);
    }
}

static void functions(void)
{
    for (int i = 0; i < N; i++) {
        long double a = inputs[i];
        int e;
        long double ip;
        printf("fn %d\n", i);
        hex("  sqrt", sqrtl(fabsl(a)));
        hex("  sin", sinl(a));
        hex("  cos", cosl(a));
        hex("  tan", tanl(a));
        hex("  atan2", atan2l(a, 0.75L));
        hex("  exp", expl(a));
        hex("  exp2", exp2l(a));
        hex("  log", logl(fabsl(a)));
        hex("  log2", log2l(fabsl(a)));
        hex("  log10", log10l(fabsl(a)));
        hex("  log1p", log1pl(fabsl(a)));
        hex("  pow", powl(fabsl(a), 1.5L));
        hex("  fmod", fmodl(a, 0.7L));
        hex("  rem", remainderl(a, 0.7L));
        hex("  rint", rintl(a));
        hex("  floor", floorl(a));
        hex("  ceil", ceill(a));
        hex("  trunc", truncl(a));
        hex("  round", roundl(a));
        hex("  frexp", frexpl(a, &e));
        printf("  e=%d\n", e);
        hex("  ldexp", ldexpl(a, 17));
        hex("  modf", modfl(a, &ip));
        hex("  ip", ip);
        printf("  class %d %d %d\n", fpclassify(a), isnan(a) != 0, isinf(a) != 0);
    }
}

static void formatting(void)
{
    static const char *texts[] = { "0.1", "1e-4950", "1.18973149535723176502e+4932", "3.14159265358979323846264",
        "-2.5e-310", "nan", "-inf", "0x1.fffffffffffffffep+16383", "123456789012345678901234567890" };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        long double v = strtold(texts[i], NULL);
        printf("fmt %zu %La %.25Lg %.3Lf %Le\n", i, v, v, v, v);
    }
}

static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f, 0x0e7f, 0x047f };

static void control_words(void)
{
    for (size_t c = 0; c < sizeof cws / sizeof cws[0]; c++) {
        set_cw(cws[c]);
        printf("cw %04x\n", cws[c]);
        for (int i = 0; i < N; i += 3) {
            long double a = inputs[i], b = inputs[(i + 5) % N];
            __asm__ volatile("fnclex");
            long double q = a / b, p = a * b + b, r;
            __asm__ volatile("frndint" : "=t"(r) : "0"(a / 3));
            printf("  %d %04x ", i, status() & 0x3f);
            hex("q", q); hex("    p", p); hex("    r", r);
        }
    }
    set_cw(0x037f);
}

static int fxam(long double v)
{
    uint16_t sw;
    __asm__ volatile("fxam\n fnstsw %0" : "=m"(sw) : "t"(v));
    return sw & 0x4700;
}

static void classes(void)
{
    static const uint64_t sig[] = { 0, 0x8000000000000000ull, 0x0000000000000001ull, 0xc000000000000000ull,
        0xa000000000000000ull, 0x4000000000000000ull };
    static const uint16_t se[] = { 0x0000, 0x8000, 0x3fff, 0x7fff, 0xffff, 0x4001 };
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            long double v;
            memcpy(&v, &sig[i], 8);
            memcpy((char *)&v + 8, &se[j], 2);
            printf("fxam %d %d %04x\n", i, j, fxam(v));
        }
    uint16_t sw;
    __asm__ volatile("fninit\n fxam\n fnstsw %0\n fninit" : "=m"(sw));
    printf("fxam empty %04x\n", sw & 0x4700);
}

static void bcd(void)
{
    for (int i = 0; i < N; i++) {
        unsigned char b[10];
        long double back;
        __asm__ volatile("fnclex\n fldt %2\n fbstp %0\n fbld %0\n fstpt %1" : "=m"(b), "=m"(back) : "m"(inputs[i]));
        printf("bcd %d %04x ", i, status() & 0x3f);
        for (int k = 9; k >= 0; k--) printf("%02x", b[k]);
        hex("", back);
    }
}

/*
 * An unmasked zero divide stays pending through a non-waiting FNSTSW and raises #MF (SIGFPE)
 * at the next waiting instruction.
 */
static void unmasked(void)
{
    uint16_t sw, cw = 0x037b;
    __asm__ volatile("fninit\n fldcw %1\n fld1\n fldz\n fdivrp\n fnstsw %0" : "=m"(sw) : "m"(cw) : "st");
    printf("pending %04x\n", sw);
    fflush(stdout);
    __asm__ volatile("fwait");
    printf("no #MF\n");
}

unsigned char saved[108], env[28];
static const long double pair[2] = { 1.5L, -2.25L };

/* FNSAVE/FRSTOR and FNSTENV/FLDENV round trips, with the 14- and 94-byte forms of a 66 prefix. */
static void environments(void)
{
    uint16_t sw;
    __asm__ volatile("fninit\n fldt %1\n fldt %2\n fsqrt\n fnsave saved(%%rip)\n fld1\n frstor saved(%%rip)\n"
                     "fnstenv env(%%rip)\n faddp\n fldenv env(%%rip)\n fnstsw %0\n fnsave saved(%%rip)"
                     : "=m"(sw) : "m"(pair[0]), "m"(pair[1]) : "memory");
    printf("env %04x ", sw);
    for (size_t i = 0; i < sizeof saved; i++) printf("%02x", saved[i]);
    printf("\n");
    __asm__ volatile("fninit\n fldpi\n data16 fnstenv env(%%rip)\n fld1\n data16 fldenv env(%%rip)\n"
                     "data16 fnsave saved(%%rip)\n fldz\n data16 frstor saved(%%rip)\n fnsave saved(%%rip)" ::: "memory");
    printf("env16 ");
    for (size_t i = 0; i < sizeof saved; i++) printf("%02x", saved[i]);
    printf("\n");
}

static void rounding_modes(void)
{
    for (int mode = 0; mode < 4; mode++) {
        static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
        fesetround(modes[mode]);
        long double third = inputs[2] / 3, big = inputs[12] * inputs[12];
        printf("mode %d ", mode);
        hex("third", third);
        hex("  big", big);
        printf("  %.30Lg %ld\n", inputs[5] * 7, lrintl(inputs[6]));
    }
    fesetround(FE_TONEAREST);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "mf") == 0) {
        unmasked();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "libm") == 0) {
        functions();
        return 0;
    }
    arithmetic();
    conversions();
    formatting();
    control_words();
    classes();
    bcd();
    rounding_modes();
    environments();
    return 0;
}
