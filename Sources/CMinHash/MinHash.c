// The MinHash inner loop: for every permutation, the minimum of a·x + b (mod 2^32) over the shingles.
//
// Written in C because it is the whole cost of `dedup`'s signatures and Swift compiles for baseline x86-64 (SSE2),
// which has no 32-bit vector multiply or unsigned minimum: with AVX2 (chosen at run time) eight permutations take
// three instructions a shingle. Swift's scalar 64-bit version ran at ≈ 28 MB/s of text per core on BBC; this one
// lets the stage run at several times that.
#include "CMinHash.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

__attribute__((target("avx2")))
static void minhash_avx2(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                         uint32_t *minimums, size_t permutations) {
    size_t p = 0;
    for (; p + 16 <= permutations; p += 16) {
        __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + p)), a1 = _mm256_loadu_si256((const __m256i *)(a + p + 8));
        __m256i b0 = _mm256_loadu_si256((const __m256i *)(b + p)), b1 = _mm256_loadu_si256((const __m256i *)(b + p + 8));
        __m256i m0 = _mm256_set1_epi32(-1), m1 = _mm256_set1_epi32(-1);
        for (size_t s = 0; s < count; s++) {
            __m256i x = _mm256_set1_epi32((int)shingles[s]);
            m0 = _mm256_min_epu32(m0, _mm256_add_epi32(_mm256_mullo_epi32(a0, x), b0));
            m1 = _mm256_min_epu32(m1, _mm256_add_epi32(_mm256_mullo_epi32(a1, x), b1));
        }
        _mm256_storeu_si256((__m256i *)(minimums + p), m0);
        _mm256_storeu_si256((__m256i *)(minimums + p + 8), m1);
    }
    for (; p + 8 <= permutations; p += 8) {
        __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + p)), b0 = _mm256_loadu_si256((const __m256i *)(b + p));
        __m256i m0 = _mm256_set1_epi32(-1);
        for (size_t s = 0; s < count; s++) {
            m0 = _mm256_min_epu32(m0, _mm256_add_epi32(_mm256_mullo_epi32(a0, _mm256_set1_epi32((int)shingles[s])), b0));
        }
        _mm256_storeu_si256((__m256i *)(minimums + p), m0);
    }
    for (; p < permutations; p++) {
        uint32_t m = UINT32_MAX;
        for (size_t s = 0; s < count; s++) {
            uint32_t v = a[p] * shingles[s] + b[p];
            m = v < m ? v : m;
        }
        minimums[p] = m;
    }
}

static int has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE) || !(ecx & bit_AVX)) return 0;
    unsigned xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & bit_AVX2) != 0;
}
#endif

void winnow_minhash32_portable(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                             uint32_t *minimums, size_t permutations) {
    for (size_t p = 0; p < permutations; p++) minimums[p] = UINT32_MAX;
    for (size_t s = 0; s < count; s++) {
        uint32_t x = shingles[s];
        for (size_t p = 0; p < permutations; p++) {
            uint32_t v = a[p] * x + b[p];
            minimums[p] = v < minimums[p] ? v : minimums[p];
        }
    }
}

void winnow_minhash32(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                      uint32_t *minimums, size_t permutations) {
#if defined(__x86_64__)
    static int avx2 = -1;  // -1: not yet known; threads may race to the same answer, hence the atomics
    int known = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (known < 0) {
        known = has_avx2();
        __atomic_store_n(&avx2, known, __ATOMIC_RELAXED);
    }
    if (known) {
        minhash_avx2(shingles, count, a, b, minimums, permutations);
        return;
    }
#endif
    winnow_minhash32_portable(shingles, count, a, b, minimums, permutations);
}
