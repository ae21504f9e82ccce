/*
 * SSE floating-point edge cases through compiler intrinsics: every operation over pairs of edge
 * values (NaNs, SNaNs, denormals, zeros, infinities, extremes) in every rounding mode with and
 * without DAZ and FTZ. Prints, per operation and MXCSR setting, a hash of the result bits and of
 * the MXCSR flags each operation raised ("-v" prints every result instead). Run natively and
 * emulated; the outputs must be equal.
 */
#pragma GCC target("sse4.2")
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint32_t fedge[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40490fdb, 0x7f800000, 0xff800000,
    0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800001, 0x00000001, 0x807fffff, 0x00800000, 0x80800000,
    0x7f7fffff, 0xff7fffff, 0x4f000000, 0xcf000000, 0x5f000000, 0x3f000000, 0x4b000001, 0x3effffff,
    0x00400000, 0x0ccccccd, 0x34000000, 0x4effffff,
};
static const uint64_t dedge[] = {
    0, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff8000000000000, 0x400921fb54442d18,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000001,
    0xfff0000000000001, 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff,
    0x41e0000000000000, 0xc1e0000000000000, 0x43e0000000000000, 0xc3e0000000000000, 0x3fe0000000000000,
    0x4330000000000001, 0x3810000000000000, 0x380fffffffffffff, 0x47efffffe0000000, 0x36a0000000000000,
    0x3fd5555555555555, 0x41dfffffffc00000,
};
#define NF (int)(sizeof fedge / sizeof fedge[0])
#define ND (int)(sizeof dedge / sizeof dedge[0])

static int verbose;
static uint64_t hash;
static unsigned csr;

static void mix(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        hash ^= (v >> (8 * i)) & 0xff;
        hash *= 0x100000001b3ULL;
    }
}

static void record(const char *op, int i, int j, uint64_t lo, uint64_t hi)
{
    unsigned flags = _mm_getcsr() & 0x3f;
    mix(lo);
    mix(hi);
    mix(flags);
    if (verbose)
        printf("%s csr=%04x %d %d: %016llx %016llx flags=%02x\n", op, csr, i, j, (unsigned long long)lo,
               (unsigned long long)hi, flags);
    _mm_setcsr(csr);
}

static __m128 fs(int i, int j) { return _mm_castsi128_ps(_mm_setr_epi32(fedge[i], fedge[j], fedge[(i + j) % NF], fedge[(i * 7 + j) % NF])); }
static __m128d ds(int i, int j) { return _mm_castsi128_pd(_mm_set_epi64x(dedge[j], dedge[i])); }

#define OUT_PS(name, expr) do { __m128i r_ = _mm_castps_si128(expr); record(name, i, j, _mm_cvtsi128_si64(r_), _mm_extract_epi64(r_, 1)); } while (0)
#define OUT_PD(name, expr) do { __m128i r_ = _mm_castpd_si128(expr); record(name, i, j, _mm_cvtsi128_si64(r_), _mm_extract_epi64(r_, 1)); } while (0)
#define OUT_SI(name, expr) do { __m128i r_ = (expr); record(name, i, j, _mm_cvtsi128_si64(r_), _mm_extract_epi64(r_, 1)); } while (0)
#define OUT_I(name, expr) do { uint64_t v_ = (uint64_t)(expr); record(name, i, j, v_, 0); } while (0)

static void finish(const char *group)
{
    if (!verbose)
        printf("%s csr=%04x %016llx\n", group, csr, (unsigned long long)hash);
    hash = 0xcbf29ce484222325ULL;
}

static void singles(void)
{
    for (int i = 0; i < NF; i++)
        for (int j = 0; j < NF; j++) {
            __m128 a = fs(i, j), b = fs(j, i);
            OUT_PS("addps", _mm_add_ps(a, b)); OUT_PS("subss", _mm_sub_ss(a, b));
            OUT_PS("mulps", _mm_mul_ps(a, b)); OUT_PS("divps", _mm_div_ps(a, b));
            OUT_PS("minps", _mm_min_ps(a, b)); OUT_PS("maxss", _mm_max_ss(a, b));
            OUT_PS("sqrtps", _mm_sqrt_ps(a)); OUT_PS("sqrtss", _mm_sqrt_ss(b));
            OUT_PS("cmpeqps", _mm_cmpeq_ps(a, b)); OUT_PS("cmpltps", _mm_cmplt_ps(a, b));
            OUT_PS("cmpless", _mm_cmple_ss(a, b)); OUT_PS("cmpunordps", _mm_cmpunord_ps(a, b));
            OUT_PS("cmpneqps", _mm_cmpneq_ps(a, b)); OUT_PS("cmpnltss", _mm_cmpnlt_ss(a, b));
            OUT_PS("cmpnleps", _mm_cmpnle_ps(a, b)); OUT_PS("cmpordps", _mm_cmpord_ps(a, b));
            OUT_I("comiss", _mm_comilt_ss(a, b) | _mm_comieq_ss(a, b) << 1 | _mm_comigt_ss(a, b) << 2);
            OUT_I("ucomiss", _mm_ucomilt_ss(a, b) | _mm_ucomieq_ss(a, b) << 1 | _mm_ucomige_ss(a, b) << 2 | _mm_ucomineq_ss(a, b) << 3);
            OUT_I("cvtss2si", _mm_cvtss_si32(a)); OUT_I("cvttss2si", _mm_cvttss_si32(a));
            OUT_I("cvtss2si64", _mm_cvtss_si64(a)); OUT_I("cvttss2si64", _mm_cvttss_si64(a));
            OUT_SI("cvtps2dq", _mm_cvtps_epi32(a)); OUT_SI("cvttps2dq", _mm_cvttps_epi32(a));
            OUT_PD("cvtps2pd", _mm_cvtps_pd(a)); OUT_PD("cvtss2sd", _mm_cvtss_sd(_mm_castps_pd(b), a));
            OUT_PS("cvtdq2ps", _mm_cvtepi32_ps(_mm_castps_si128(a)));
            OUT_PS("cvtsi2ss", _mm_cvtsi32_ss(a, (int)fedge[j])); OUT_PS("cvtsi2ss64", _mm_cvtsi64_ss(a, (int64_t)fedge[j] << 31));
            OUT_PS("roundps0", _mm_round_ps(a, 0)); OUT_PS("roundps1", _mm_round_ps(a, 1));
            OUT_PS("roundps2", _mm_round_ps(a, 2)); OUT_PS("roundps3", _mm_round_ps(a, 3));
            OUT_PS("roundps4", _mm_round_ps(a, 4)); OUT_PS("roundss8", _mm_round_ss(b, a, 8 | 1));
            OUT_PS("dpps", _mm_dp_ps(a, b, 0xff)); OUT_PS("dpps2", _mm_dp_ps(a, b, 0x35));
            OUT_PS("haddps", _mm_hadd_ps(a, b)); OUT_PS("hsubps", _mm_hsub_ps(a, b));
            OUT_PS("addsubps", _mm_addsub_ps(a, b));
        }
    finish("singles");
}

static void doubles(void)
{
    for (int i = 0; i < ND; i++)
        for (int j = 0; j < ND; j++) {
            __m128d a = ds(i, j), b = ds(j, i);
            OUT_PD("addpd", _mm_add_pd(a, b)); OUT_PD("subsd", _mm_sub_sd(a, b));
            OUT_PD("mulpd", _mm_mul_pd(a, b)); OUT_PD("divsd", _mm_div_sd(a, b));
            OUT_PD("minpd", _mm_min_pd(a, b)); OUT_PD("maxsd", _mm_max_sd(a, b));
            OUT_PD("sqrtpd", _mm_sqrt_pd(a)); OUT_PD("sqrtsd", _mm_sqrt_sd(a, b));
            OUT_PD("cmpeqpd", _mm_cmpeq_pd(a, b)); OUT_PD("cmpltsd", _mm_cmplt_sd(a, b));
            OUT_PD("cmplepd", _mm_cmple_pd(a, b)); OUT_PD("cmpunordsd", _mm_cmpunord_sd(a, b));
            OUT_PD("cmpnltpd", _mm_cmpnlt_pd(a, b)); OUT_PD("cmpordpd", _mm_cmpord_pd(a, b));
            OUT_I("comisd", _mm_comilt_sd(a, b) | _mm_comieq_sd(a, b) << 1 | _mm_comige_sd(a, b) << 2);
            OUT_I("ucomisd", _mm_ucomile_sd(a, b) | _mm_ucomieq_sd(a, b) << 1 | _mm_ucomineq_sd(a, b) << 2);
            OUT_I("cvtsd2si", _mm_cvtsd_si32(a)); OUT_I("cvttsd2si", _mm_cvttsd_si32(a));
            OUT_I("cvtsd2si64", _mm_cvtsd_si64(a)); OUT_I("cvttsd2si64", _mm_cvttsd_si64(a));
            OUT_SI("cvtpd2dq", _mm_cvtpd_epi32(a)); OUT_SI("cvttpd2dq", _mm_cvttpd_epi32(a));
            OUT_PS("cvtpd2ps", _mm_cvtpd_ps(a)); OUT_PS("cvtsd2ss", _mm_cvtsd_ss(_mm_castpd_ps(b), a));
            OUT_PD("cvtdq2pd", _mm_cvtepi32_pd(_mm_castpd_si128(a)));
            OUT_PD("cvtsi2sd64", _mm_cvtsi64_sd(a, (int64_t)dedge[j]));
            OUT_PD("roundpd0", _mm_round_pd(a, 0)); OUT_PD("roundpd1", _mm_round_pd(a, 1));
            OUT_PD("roundpd2", _mm_round_pd(a, 2)); OUT_PD("roundpd3", _mm_round_pd(a, 3));
            OUT_PD("roundsd4", _mm_round_sd(b, a, 4)); OUT_PD("roundpd12", _mm_round_pd(a, 12));
            OUT_PD("dppd", _mm_dp_pd(a, b, 0x33)); OUT_PD("dppd2", _mm_dp_pd(a, b, 0x12));
            OUT_PD("haddpd", _mm_hadd_pd(a, b)); OUT_PD("hsubpd", _mm_hsub_pd(a, b));
            OUT_PD("addsubpd", _mm_addsub_pd(a, b));
        }
    finish("doubles");
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    hash = 0xcbf29ce484222325ULL;
    for (unsigned rc = 0; rc < 4; rc++)
        for (unsigned daz = 0; daz < 2; daz++)
            for (unsigned ftz = 0; ftz < 2; ftz++) {
                csr = 0x1f80 | rc << 13 | daz << 6 | ftz << 15;
                _mm_setcsr(csr);
                singles();
                doubles();
            }
    return 0;
}
