#ifndef CMINHASH_H
#define CMINHASH_H
#include <stddef.h>
#include <stdint.h>

/// minimums[i] = min over shingles s of (multipliers[i] * s + increments[i]) mod 2^32, for i < permutations
/// (UINT32_MAX when there are no shingles). Uses AVX2 when the processor has it.
void winnow_minhash32(const uint32_t *shingles, size_t shingleCount, const uint32_t *multipliers,
                      const uint32_t *increments, uint32_t *minimums, size_t permutations);

/// The same without vector instructions (what other processors run; tests compare the two).
void winnow_minhash32_portable(const uint32_t *shingles, size_t shingleCount, const uint32_t *multipliers,
                               const uint32_t *increments, uint32_t *minimums, size_t permutations);

#endif
