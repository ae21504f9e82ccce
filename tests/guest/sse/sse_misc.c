/*
 * The SSE instructions the random differential runner leaves out: MASKMOVDQU and MASKMOVQ (they
 * store at rDI), the MMX aliasing of the x87 registers as FXSAVE shows it (TOP, abridged tags,
 * significand and all-ones exponent of a written MM register; EMMS), and, under "rcp",
 * RCPPS/RSQRTPS/RCPSS/RSQRTSS, whose bits are vendor-specific (compared with qemu-x86_64).
 */
#pragma GCC target("sse4.2")
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t area[512] __attribute__((aligned(16)));

static void show_fxsave(const char *label)
{
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    printf("%s fsw %02x%02x ftw %02x", label, area[3], area[2], area[4]);
    for (int r = 0; r < 8; r++) {
        printf(" st%d ", r);
        for (int b = 9; b >= 0; b--)
            printf("%02x", area[32 + 16 * r + b]);
    }
    printf("\n");
}

static void rcp(void)
{
    static const float v[] = { 1.0f, 3.0f, -7.5f, 0.0f, -0.0f, 1e-40f, 1e38f, 65504.0f, 0.1f, 2.0f, 1e30f, 12345.678f };
    for (unsigned csr = 0x1f80; csr <= 0x7f80; csr += 0x2000)
        for (int i = 0; i + 4 <= (int)(sizeof v / sizeof v[0]); i++) {
            _mm_setcsr(csr | (i & 1 ? 0x8040 : 0));
            __m128 x = _mm_loadu_ps(v + i);
            uint32_t r[4], s[4], t[4], u[4];
            _mm_storeu_ps((float *)r, _mm_rcp_ps(x));
            _mm_storeu_ps((float *)s, _mm_rsqrt_ps(x));
            __m128 ts = _mm_set1_ps(9.0f), us = _mm_set1_ps(9.0f);
            __asm__("rcpss %1, %0" : "+x"(ts) : "x"(x));
            __asm__("rsqrtss %1, %0" : "+x"(us) : "x"(x));
            _mm_storeu_ps((float *)t, ts);
            _mm_storeu_ps((float *)u, us);
            printf("csr %04x %d rcp %08x %08x %08x %08x rsqrt %08x %08x %08x %08x ss %08x %08x %08x mxcsr %04x\n", _mm_getcsr(), i,
                   r[0], r[1], r[2], r[3], s[0], s[1], s[2], s[3], t[0], t[1], u[0], _mm_getcsr());
        }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "rcp") == 0) {
        rcp();
        return 0;
    }
    uint8_t dst[32];
    for (int shift = 0; shift < 3; shift++) {
        memset(dst, 0xee, sizeof dst);
        __m128i data = _mm_setr_epi8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        __m128i mask = _mm_setr_epi8(-1, 0, 0x80, 0x7f, -1, -1, 0, 0, 0x81, 0, 0, 0, 0, -1, 0, 0x80);
        _mm_maskmoveu_si128(data, _mm_slli_epi64(mask, shift), (char *)dst + 3 + shift);
        _m_maskmovq(_mm_cvtsi64_m64(0x1122334455667788), _mm_cvtsi64_m64(0x80ff00007f800001 << shift), (char *)dst + 20);
        _mm_empty();
        for (int i = 0; i < 32; i++)
            printf("%02x", dst[i]);
        printf("\n");
    }
    show_fxsave("initial");
    __m64 m = _mm_cvtsi64_m64(0x0123456789abcdef);
    __asm__ volatile("movq %0, %%mm3\n\tpaddb %%mm3, %%mm3\n\tmovq %%mm3, %%mm6" : : "y"(m) : "mm3", "mm6");
    show_fxsave("mmx");
    _mm_empty();
    show_fxsave("emms");
    return 0;
}
