/*
 * Every x87 instruction on edge values under every rounding and precision control setting,
 * masked and unmasked. Each case starts from FNINIT, loads the control word, b and a (so that
 * ST(0) = a, ST(1) = b), runs one instruction and ends with FNSAVE, which does not wait: an
 * unmasked exception stays pending in the image instead of raising #MF. The whole 108-byte
 * image (control, status and tag words, FIP, FOP, FDP, all eight registers) and the memory
 * operand are hashed per (control word, instruction); "ops CW" runs one control word,
 * "ops CW OP" prints every case of one instruction instead.
 * Operands live in static memory, so FIP and FDP are the same natively and emulated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint16_t cw;
unsigned char va[10], vb[10];
unsigned char m[32] __attribute__((aligned(16)));
unsigned char img[108];
uint64_t rflags, fin;

enum kind { REG2, REG1, M32, M64, M80, I16, I32, I64, BCD };

#define PRE "fninit\n fldcw cw(%%rip)\n fldt vb(%%rip)\n fldt va(%%rip)\n"
#define POST "\n fnsave img(%%rip)\n"
#define OP(name, text) static void name(void) { __asm__ volatile(PRE text POST ::: "memory", "cc", "rax"); }
#define OPF(name, text) static void name(void) { __asm__ volatile(PRE "pushq fin(%%rip)\n popfq\n" text "\n pushfq\n popq rflags(%%rip)" POST ::: "memory", "cc", "rax"); }
#define FILL "fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n"

OP(o_fadd, "fadd %%st(1), %%st") OP(o_fadd2, "fadd %%st, %%st(1)") OP(o_faddp, "faddp")
OP(o_fsub, "fsub %%st(1), %%st") OP(o_fsub2, "fsub %%st, %%st(1)") OP(o_fsubp, "fsubp")
OP(o_fsubr, "fsubr %%st(1), %%st") OP(o_fsubr2, "fsubr %%st, %%st(1)") OP(o_fsubrp, "fsubrp")
OP(o_fmul, "fmul %%st(1), %%st") OP(o_fmulp, "fmulp")
OP(o_fdiv, "fdiv %%st(1), %%st") OP(o_fdiv2, "fdiv %%st, %%st(1)") OP(o_fdivp, "fdivp")
OP(o_fdivr, "fdivr %%st(1), %%st") OP(o_fdivr2, "fdivr %%st, %%st(1)") OP(o_fdivrp, "fdivrp")
OP(o_fcom, "fcom %%st(1)") OP(o_fcomp, "fcomp %%st(1)") OP(o_fcompp, "fcompp")
OP(o_fucom, "fucom %%st(1)") OP(o_fucomp, "fucomp %%st(1)") OP(o_fucompp, "fucompp")
OPF(o_fcomi, "fcomi %%st(1), %%st") OPF(o_fcomip, "fcomip %%st(1), %%st")
OPF(o_fucomi, "fucomi %%st(1), %%st") OPF(o_fucomip, "fucomip %%st(1), %%st")
OP(o_fxch, "fxch %%st(1)") OP(o_fxch3, "fxch %%st(3)") OP(o_fldst, "fld %%st(1)") OP(o_fst1, "fst %%st(1)") OP(o_fstp1, "fstp %%st(1)")
OP(o_fstp3, "fstp %%st(3)") OP(o_ffree, "ffree %%st(1)") OP(o_fincstp, "fincstp") OP(o_fdecstp, "fdecstp") OP(o_fnop, "fnop")
OP(o_fprem, "fprem") OP(o_fprem1, "fprem1") OP(o_fscale, "fscale") OP(o_fpatan, "fpatan")
OP(o_fyl2x, "fyl2x") OP(o_fyl2xp1, "fyl2xp1")
OPF(o_fcmovb, "fcmovb %%st(1), %%st") OPF(o_fcmovnb, "fcmovnb %%st(1), %%st")
OPF(o_fcmove, "fcmove %%st(1), %%st") OPF(o_fcmovne, "fcmovne %%st(1), %%st")
OPF(o_fcmovbe, "fcmovbe %%st(1), %%st") OPF(o_fcmovnbe, "fcmovnbe %%st(1), %%st")
OPF(o_fcmovu, "fcmovu %%st(1), %%st") OPF(o_fcmovnu, "fcmovnu %%st(1), %%st")

OP(o_fsqrt, "fsqrt") OP(o_frndint, "frndint") OP(o_f2xm1, "f2xm1") OP(o_fsin, "fsin") OP(o_fcos, "fcos")
OP(o_fsincos, "fsincos") OP(o_fptan, "fptan") OP(o_fxtract, "fxtract") OP(o_fchs, "fchs") OP(o_fabs, "fabs")
OP(o_ftst, "ftst") OP(o_fxam, "fxam") OP(o_fxam_empty, "ffree %%st(0)\n fxam")
OP(o_fld1, "fld1") OP(o_fldz, "fldz") OP(o_fldpi, "fldpi") OP(o_fldl2e, "fldl2e") OP(o_fldl2t, "fldl2t")
OP(o_fldlg2, "fldlg2") OP(o_fldln2, "fldln2") OP(o_overflow, FILL "fldpi") OP(o_overflow_sincos, FILL "fsincos")
OP(o_underflow, "fstp %%st(0)\n fstp %%st(0)\n fadd %%st(0), %%st")
OP(o_fst32, "fsts m(%%rip)") OP(o_fstp32, "fstps m(%%rip)") OP(o_fst64, "fstl m(%%rip)") OP(o_fstp64, "fstpl m(%%rip)")
OP(o_fstp80, "fstpt m(%%rip)") OP(o_fist16, "fists m(%%rip)") OP(o_fist32, "fistl m(%%rip)")
OP(o_fistp16, "fistps m(%%rip)") OP(o_fistp32, "fistpl m(%%rip)") OP(o_fistp64, "fistpll m(%%rip)")
OP(o_fisttp16, "fisttps m(%%rip)") OP(o_fisttp32, "fisttpl m(%%rip)") OP(o_fisttp64, "fisttpll m(%%rip)")
OP(o_fbstp, "fbstp m(%%rip)") OP(o_fnstsw, "fnstsw %%ax\n movw %%ax, m(%%rip)") OP(o_fnstcw, "fnstcw m(%%rip)")
OP(o_fnstenv, "fnstenv m(%%rip)\n fnstsw %%ax\n movw %%ax, m+28(%%rip)")
OP(o_fnclex, "fnclex")

OP(o_fld32, "flds m(%%rip)") OP(o_fadd32, "fadds m(%%rip)") OP(o_fsub32, "fsubs m(%%rip)") OP(o_fsubr32, "fsubrs m(%%rip)")
OP(o_fmul32, "fmuls m(%%rip)") OP(o_fdiv32, "fdivs m(%%rip)") OP(o_fdivr32, "fdivrs m(%%rip)")
OP(o_fcom32, "fcoms m(%%rip)") OP(o_fcomp32, "fcomps m(%%rip)")
OP(o_fld64, "fldl m(%%rip)") OP(o_fadd64, "faddl m(%%rip)") OP(o_fsub64, "fsubl m(%%rip)") OP(o_fsubr64, "fsubrl m(%%rip)")
OP(o_fmul64, "fmull m(%%rip)") OP(o_fdiv64, "fdivl m(%%rip)") OP(o_fdivr64, "fdivrl m(%%rip)")
OP(o_fcom64, "fcoml m(%%rip)") OP(o_fcomp64, "fcompl m(%%rip)")
OP(o_fld80, "fldt m(%%rip)")
OP(o_fild16, "filds m(%%rip)") OP(o_fiadd16, "fiadds m(%%rip)") OP(o_fisub16, "fisubs m(%%rip)")
OP(o_fidivr16, "fidivrs m(%%rip)") OP(o_ficom16, "ficoms m(%%rip)") OP(o_ficomp16, "ficomps m(%%rip)")
OP(o_fild32, "fildl m(%%rip)") OP(o_fimul32, "fimull m(%%rip)") OP(o_fisubr32, "fisubrl m(%%rip)")
OP(o_fidiv32, "fidivl m(%%rip)") OP(o_ficom32, "ficoml m(%%rip)")
OP(o_fild64, "fildll m(%%rip)") OP(o_fbld, "fbld m(%%rip)")

struct op { const char *name; void (*fn)(void); enum kind kind; };
#define E(n, k) { #n, o_##n, k },
static const struct op ops[] = {
    E(fadd, REG2) E(fadd2, REG2) E(faddp, REG2) E(fsub, REG2) E(fsub2, REG2) E(fsubp, REG2)
    E(fsubr, REG2) E(fsubr2, REG2) E(fsubrp, REG2) E(fmul, REG2) E(fmulp, REG2)
    E(fdiv, REG2) E(fdiv2, REG2) E(fdivp, REG2) E(fdivr, REG2) E(fdivr2, REG2) E(fdivrp, REG2)
    E(fcom, REG2) E(fcomp, REG2) E(fcompp, REG2) E(fucom, REG2) E(fucomp, REG2) E(fucompp, REG2)
    E(fcomi, REG2) E(fcomip, REG2) E(fucomi, REG2) E(fucomip, REG2)
    E(fxch, REG2) E(fxch3, REG2) E(fldst, REG2) E(fst1, REG2) E(fstp1, REG2) E(fstp3, REG2) E(ffree, REG2)
    E(fincstp, REG1) E(fdecstp, REG1) E(fnop, REG1)
    E(fprem, REG2) E(fprem1, REG2) E(fscale, REG2) E(fpatan, REG2) E(fyl2x, REG2) E(fyl2xp1, REG2)
    E(fcmovb, REG2) E(fcmovnb, REG2) E(fcmove, REG2) E(fcmovne, REG2)
    E(fcmovbe, REG2) E(fcmovnbe, REG2) E(fcmovu, REG2) E(fcmovnu, REG2)
    E(fsqrt, REG1) E(frndint, REG1) E(f2xm1, REG1) E(fsin, REG1) E(fcos, REG1) E(fsincos, REG1)
    E(fptan, REG1) E(fxtract, REG1) E(fchs, REG1) E(fabs, REG1) E(ftst, REG1) E(fxam, REG1) E(fxam_empty, REG1)
    E(fld1, REG1) E(fldz, REG1) E(fldpi, REG1) E(fldl2e, REG1) E(fldl2t, REG1) E(fldlg2, REG1) E(fldln2, REG1)
    E(overflow, REG1) E(overflow_sincos, REG1) E(underflow, REG1)
    E(fst32, REG1) E(fstp32, REG1) E(fst64, REG1) E(fstp64, REG1) E(fstp80, REG1)
    E(fist16, REG1) E(fist32, REG1) E(fistp16, REG1) E(fistp32, REG1) E(fistp64, REG1)
    E(fisttp16, REG1) E(fisttp32, REG1) E(fisttp64, REG1) E(fbstp, REG1)
    E(fnstsw, REG1) E(fnstcw, REG1) E(fnstenv, REG1) E(fnclex, REG1)
    E(fld32, M32) E(fadd32, M32) E(fsub32, M32) E(fsubr32, M32) E(fmul32, M32) E(fdiv32, M32) E(fdivr32, M32)
    E(fcom32, M32) E(fcomp32, M32)
    E(fld64, M64) E(fadd64, M64) E(fsub64, M64) E(fsubr64, M64) E(fmul64, M64) E(fdiv64, M64) E(fdivr64, M64)
    E(fcom64, M64) E(fcomp64, M64) E(fld80, M80)
    E(fild16, I16) E(fiadd16, I16) E(fisub16, I16) E(fidivr16, I16) E(ficom16, I16) E(ficomp16, I16)
    E(fild32, I32) E(fimul32, I32) E(fisubr32, I32) E(fidiv32, I32) E(ficom32, I32) E(fild64, I64) E(fbld, BCD)
};

/* 80-bit values as sign+exponent and significand. */
struct f80 { uint16_t se; uint64_t sig; };
static const struct f80 v80[] = {
    { 0x0000, 0 }, { 0x8000, 0 }, { 0x3fff, 0x8000000000000000ull }, { 0xbfff, 0x8000000000000000ull },
    { 0x3fff, 0xc000000000000000ull }, { 0x4000, 0xc000000000000000ull }, { 0x3ffd, 0xaaaaaaaaaaaaaaabull },
    { 0x4000, 0xc90fdaa22168c235ull }, { 0xc020, 0xba43b74000000000ull }, { 0x4033, 0xde0b6b3a763fffffull },
    { 0x403e, 0xffffffffffffffffull }, { 0x403d, 0x8000000000000001ull }, { 0x3ffe, 0xb333333333333333ull },
    { 0x401b, 0xe8d4a51000000001ull }, { 0x7ffe, 0xffffffffffffffffull }, { 0x0001, 0x8000000000000000ull },
    { 0x0000, 0x0000000000000001ull }, { 0x8000, 0x7fffffffffffffffull }, { 0x0000, 0x8000000000000000ull },
    { 0x7fff, 0x8000000000000000ull }, { 0xffff, 0x8000000000000000ull }, { 0x7fff, 0xc000000000000001ull },
    { 0xffff, 0xa000000000000000ull }, { 0xffff, 0xc000000000000000ull }, { 0x4005, 0x0000000000000001ull },
    { 0x3fbf, 0xfedcba9876543210ull }, { 0xc00d, 0x9c4a000000000000ull }, { 0x3ff0, 0x8000000000000000ull },
};
#define N80 (int)(sizeof v80 / sizeof v80[0])

static const uint32_t v32[] = { 0, 0x80000000u, 0x3f800000u, 0xbfc00000u, 0x00000001u, 0x807fffffu, 0x7f7fffffu,
    0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fa00000u, 0x40490fdbu, 0x3eaaaaabu, 0x4b7fffffu };
static const uint64_t v64[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull, 1,
    0x800fffffffffffffull, 0x7fefffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0x7ff4000000000000ull, 0x400921fb54442d18ull, 0x3fd5555555555555ull, 0x4330000000000001ull };
static const int64_t vint[] = { 0, 1, -1, 3, -7, 12345, -32768, 32767, 2147483647, -2147483647 - 1,
    4611686018427387904ll, -9223372036854775807ll - 1, 999999999999999999ll };
static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x067f, 0x0a7f, 0x0e7f,
    0x007f, 0x047f, 0x087f, 0x0c7f, 0x0340, 0x0360, 0x0f60, 0x0072 };
#define NCW (int)(sizeof cws / sizeof cws[0])

static uint64_t hash;
static int verbose;

static void put80(unsigned char *p, struct f80 v) { memcpy(p, &v.sig, 8); memcpy(p + 8, &v.se, 2); }

static void to_bcd(int64_t v, unsigned char *p)
{
    memset(p, 0, 10);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    for (int i = 0; i < 9; i++) { p[i] = (unsigned char)(u % 10 | (u / 10 % 10) << 4); u /= 100; }
    if (v < 0) p[9] = 0x80;
}

static void run(const struct op *o, int a, int b, int mi)
{
    memset(m, 0, sizeof m);
    switch (o->kind) {
    case M32: memcpy(m, &v32[mi], 4); break;
    case M64: memcpy(m, &v64[mi], 8); break;
    case M80: put80(m, v80[mi]); break;
    case I16: { int16_t v = (int16_t)vint[mi]; memcpy(m, &v, 2); break; }
    case I32: { int32_t v = (int32_t)vint[mi]; memcpy(m, &v, 4); break; }
    case I64: memcpy(m, &vint[mi], 8); break;
    case BCD: to_bcd(vint[mi], m); break;
    default: break;
    }
    put80(va, v80[a]);
    put80(vb, v80[b]);
    rflags = 0;
    static const uint64_t inputs[] = { 0, 0x8d5, 0x041, 0x004 };
    fin = inputs[(a * 3 + b) % 4];
    o->fn();
    rflags &= 0x8d5;
    if (verbose) {
        printf("a=%d b=%d m=%d rf=%03llx img=", a, b, mi, (unsigned long long)rflags);
        for (int i = 0; i < 108; i++) printf("%02x", img[i]);
        printf(" m=");
        for (size_t i = 0; i < sizeof m; i++) printf("%02x", m[i]);
        printf("\n");
    }
    uint64_t words[18] = { 0 };
    memcpy(words, img, sizeof img);
    memcpy(words + 14, m, sizeof m);
    words[17] = rflags;
    for (int i = 0; i < 18; i++) { hash ^= words[i]; hash *= 0x100000001b3ull; hash ^= hash >> 29; }
}

/* Instructions whose result depends on rounding or precision control: run under every setting. */
static const char rounding[] = " fadd fadd2 faddp fsub fsub2 fsubp fsubr fsubr2 fsubrp fmul fmulp fdiv fdiv2 fdivp fdivr"
    " fdivr2 fdivrp fscale fpatan fyl2x fyl2xp1 fsqrt frndint f2xm1 fsin fcos fsincos fptan fld1 fldpi fldl2e fldl2t"
    " fldlg2 fldln2 fst32 fstp32 fst64 fstp64 fist16 fist32 fistp16 fistp32 fistp64 fbstp fadd32 fsub32 fsubr32"
    " fmul32 fdiv32 fdivr32 fadd64 fsub64 fsubr64 fmul64 fdiv64 fdivr64 fiadd16 fisub16 fidivr16 fimul32 fisubr32 fidiv32 ";

static int runs_under(const struct op *o, int c)
{
    char key[32];
    snprintf(key, sizeof key, " %s ", o->name);
    return c == 0 || c >= 12 || strstr(rounding, key) != NULL;
}

/* The operands of the two-register and memory forms: zeros, ordinary numbers, a denormal, infinity, NaNs. */
static const int bvals[] = { 0, 1, 2, 5, 6, 7, 16, 19, 21, 23, 24 };
#define NB (int)(sizeof bvals / sizeof bvals[0])

static int memory_count(enum kind k)
{
    switch (k) {
    case M32: return sizeof v32 / sizeof v32[0];
    case M64: return sizeof v64 / sizeof v64[0];
    case M80: return N80;
    case I16: case I32: case I64: case BCD: return sizeof vint / sizeof vint[0];
    default: return 1;
    }
}

int main(int argc, char **argv)
{
    int onlyCw = argc > 1 ? atoi(argv[1]) : -1, onlyOp = argc > 2 ? atoi(argv[2]) : -1;
    verbose = argc > 2;
    int nops = sizeof ops / sizeof ops[0];
    for (int c = 0; c < NCW; c++) {
        if (onlyCw >= 0 && c != onlyCw) continue;
        cw = cws[c];
        for (int k = 0; k < nops; k++) {
            if (onlyOp >= 0 && k != onlyOp) continue;
            const struct op *o = &ops[k];
            if (onlyOp < 0 && !runs_under(o, c)) continue;
            hash = 0xcbf29ce484222325ull;
            int nb = o->kind == REG2 ? NB : 1, nm = memory_count(o->kind);
            int na = o->kind == REG1 ? N80 : NB;
            for (int a = 0; a < na; a++)
                for (int b = 0; b < nb; b++)
                    for (int mi = 0; mi < nm; mi++)
                        run(o, o->kind == REG1 ? a : bvals[a], o->kind == REG2 ? bvals[b] : 2, mi);
            printf("cw=%d(%04x) op=%d %-10s %016llx\n", c, cws[c], k, o->name, (unsigned long long)hash);
        }
    }
    return 0;
}
