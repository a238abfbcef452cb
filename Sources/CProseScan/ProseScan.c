// The `stats` stage's word scan for prose, in C for SSE2's byte masks: baseline x86-64 classifies 16 bytes (word
// characters, joiners) in a few instructions and `_mm_movemask_epi8` turns them into bits, which Swift's SIMD types
// cannot express. Measured against the same loop in Swift (words only, no joiners or marks): the same speed (143 and
// 146 million instructions on the BBC corpus); the masks are what let this loop take joined words and marks too, so
// that 98% of BBC's bytes are taken here.
#include "CProseScan.h"
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline uint64_t load64(const uint8_t *bytes) {
    uint64_t value;
    memcpy(&value, bytes, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    value = __builtin_bswap64(value);
#endif
    return value;
}

// Bit i set when byte i of the 16 at `bytes` belongs to a word: an ASCII letter or digit, or a joiner (' - . , _)
// between two of them. `joiners`: the joiners among the 16. Without vector instructions (SWAR, eight bytes at a time).
static inline uint32_t word_bytes_portable(const uint8_t *bytes, uint32_t *joiners) {
    uint32_t word = 0;
    *joiners = 0;
    for (int half = 0; half < 2; half++) {
        uint64_t chunk = load64(bytes + 8 * half);
        uint64_t word_high = winnow_in_range(chunk | 0x2020202020202020ULL, 'a', 'z') | winnow_in_range(chunk, '0', '9');
        uint64_t joiner_high = 0;
        const uint8_t joiner_bytes[5] = {'\'', '-', '.', ',', '_'};
        for (int j = 0; j < 5; j++) {
            uint64_t x = chunk ^ (0x0101010101010101ULL * joiner_bytes[j]);
            // Exact zero-byte test (no false positives from borrows): high bit of each byte of x that is zero.
            joiner_high |= ~(((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | x | 0x7F7F7F7F7F7F7F7FULL);
        }
        // The high bit of each byte, gathered into 8 bits.
        word |= (uint32_t)((((word_high >> 7) & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56) << (8 * half);
        *joiners |= (uint32_t)((((joiner_high >> 7) & 0x0101010101010101ULL) * 0x0102040810204080ULL) >> 56) << (8 * half);
    }
    return word | (*joiners & word << 1 & word >> 1);
}

// The same with SSE2 (baseline x86-64).
static inline uint32_t word_bytes_vector(const uint8_t *bytes, uint32_t *joiners) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    // Signed comparisons: bytes from 0x80 up are negative, so never in a range.
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i joiner = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
                                  _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
                                               _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
    uint32_t word = (uint32_t)_mm_movemask_epi8(_mm_or_si128(letter, digit));
    *joiners = (uint32_t)_mm_movemask_epi8(joiner);
    return word | (*joiners & word << 1 & word >> 1);
#else
    return word_bytes_portable(bytes, joiners);
#endif
}

// Adds a word of 1…15 bytes (`first`, `second`: its bytes, zero-padded) with hash `hash`.
static inline void add_word(WinnowVocabulary *restrict vocabulary, uint64_t hash, uint64_t first, uint64_t second, size_t length) {
    int32_t number;
    size_t slot = winnow_spelling_slot(vocabulary->slots, vocabulary->slotMask, vocabulary->generation, hash, &number);
    if (number >= 0) {
        vocabulary->spellings[number].count++;
    } else {
        number = (int32_t)vocabulary->spellingCount;
        vocabulary->slots[slot].hash = hash;
        vocabulary->slots[slot].number = number;
        vocabulary->slots[slot].generation = vocabulary->generation;
        // The lower-case form, hashed like the word.
        uint64_t lower = hash;
        if ((winnow_in_range(first, 'A', 'Z') | winnow_in_range(second, 'A', 'Z')) != 0) {
            lower = winnow_hash_mix(WINNOW_BYTE_HASH_SEED, winnow_ascii_lower(first));
            if (length > 8) lower = winnow_hash_mix(lower, winnow_ascii_lower(second));
            lower = winnow_hash_finish(lower, length);
        }
        uint64_t letters = winnow_in_range(first | 0x2020202020202020ULL, 'a', 'z') | winnow_in_range(second | 0x2020202020202020ULL, 'a', 'z');
        WinnowSpelling *spelling = &vocabulary->spellings[vocabulary->spellingCount++];
        spelling->hash = hash;
        spelling->lowerCaseHash = lower;
        spelling->count = 1;
        spelling->length = (int32_t)length;
        spelling->hasLetter = letters != 0;
    }
    if (vocabulary->sequence) vocabulary->sequence[vocabulary->sequenceCount++] = number;
    vocabulary->wordCount++;
}

static inline WinnowProseRun prose_run(const uint8_t *text, size_t count, size_t start, size_t room,
                                       const uint64_t *ascii, WinnowVocabulary *restrict external, bool vector) {
    WinnowProseRun run = {start, 0, 0, 0, 0};
    WinnowVocabulary vocabulary = *external;
    size_t position = start;
    while (position + 16 <= count && run.chars < room) {
        const uint8_t *bytes = text + position;
        uint32_t joiners;
        uint32_t word_bytes = vector ? word_bytes_vector(bytes, &joiners) : word_bytes_portable(bytes, &joiners);
        size_t length = (size_t)__builtin_ctz(~word_bytes);
        if (length == 0) {
            // Not at a word: white space, or one mark or symbol followed by white space or a word (a token of its
            // own; nothing before it in this run repeats it, and what follows ends a run of marks).
            uint8_t byte = bytes[0], following = bytes[1];
            if (byte >= 0x80) break;
            uint64_t entry = ascii[byte];
            if (!(entry & WINNOW_PACKED_WHITESPACE)) {
                if (following >= 0x80 || !(ascii[following] & (WINNOW_PACKED_WHITESPACE | WINNOW_ASCII_WORD_FLAG))) break;
                run.symbolTokens += 1;
                run.hashSigns += byte == '#';
            }
            run.packed += entry & WINNOW_PACKED_LANES;
            run.chars += 1;
            position += 1;
            continue;
        }
        if (length == 16) break;
        uint8_t next = bytes[length];
        if (next >= 0x80) break;
        // A joiner that ends the word: not followed by an ASCII word character (joined above) nor, possibly, by a
        // word character of another script.
        if (ascii[next] & WINNOW_ASCII_JOINER_FLAG) {
            size_t after_position = position + length + 1;
            uint8_t after = after_position < count ? text[after_position] : ' ';
            if (after >= 0x80 || (ascii[after] & WINNOW_ASCII_WORD_FLAG)) break;
        }
        uint64_t first = load64(bytes), second = load64(bytes + 8);
        // `ByteHash`: the whole first chunk when the word is 8 bytes or longer, then the rest zero-padded.
        first &= length >= 8 ? ~0ULL : (1ULL << (8 * length)) - 1;
        second &= length <= 8 ? 0 : (1ULL << (8 * (length - 8))) - 1;
        uint64_t hash = winnow_hash_mix(WINNOW_BYTE_HASH_SEED, first);
        if (length > 8) hash = winnow_hash_mix(hash, second);
        add_word(&vocabulary, winnow_hash_finish(hash, length), first, second, length);
        // Letters and digits count in the letter lane (the caller moves digits and capitals), joiners as
        // punctuation.
        size_t joined = (size_t)__builtin_popcount(joiners & word_bytes & ((1u << length) - 1));
        run.packed += (length - joined) + joined * WINNOW_PACKED_PUNCTUATION;
        run.chars += length;
        position += length;
        uint64_t next_entry = ascii[next];
        if (next_entry & WINNOW_PACKED_WHITESPACE) {
            run.packed += next_entry;
            run.chars += 1;
            position += 1;
        }
    }
    run.end = position;
    *external = vocabulary;
    return run;
}

WinnowProseRun winnow_prose_run(const uint8_t *text, size_t count, size_t start, size_t room,
                                const uint64_t *asciiEntries, WinnowVocabulary *vocabulary) {
    return prose_run(text, count, start, room, asciiEntries, vocabulary, true);
}

WinnowProseRun winnow_prose_run_portable(const uint8_t *text, size_t count, size_t start, size_t room,
                                         const uint64_t *asciiEntries, WinnowVocabulary *vocabulary) {
    return prose_run(text, count, start, room, asciiEntries, vocabulary, false);
}
