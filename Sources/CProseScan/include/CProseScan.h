#ifndef CPROSESCAN_H
#define CPROSESCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The flags of an ASCII byte's entry in the statistics' class table (`CharacterClasses.asciiPackedIncrements`):
/// above the five 12-bit counting lanes, which the rest of the entry holds.
#define WINNOW_ASCII_WORD_FLAG 0x8000000000000000ULL
#define WINNOW_ASCII_JOINER_FLAG 0x4000000000000000ULL
#define WINNOW_PACKED_WHITESPACE 0x0001000000000000ULL
#define WINNOW_PACKED_PUNCTUATION 0x0000001000000000ULL
#define WINNOW_PACKED_LANES 0x0FFFFFFFFFFFFFFFULL

/// One slot of a document's spelling table: a spelling's hash beside its number, and the generation of the table
/// it belongs to (a slot of another generation is empty).
typedef struct {
    uint64_t hash;
    int32_t number;
    uint32_t generation;
} WinnowSpellingSlot;

/// One distinct spelling of a document: its hash as written and in lower case, its occurrences, its length in code
/// points and whether it has a letter.
typedef struct {
    uint64_t hash;
    uint64_t lowerCaseHash;
    int32_t count;
    int32_t length;
    bool hasLetter;
} WinnowSpelling;

/// A document's vocabulary as `winnow_prose_run` adds to it: the spelling table (at most half full, its slots of
/// `generation`), the spellings
/// by number, the sequence of spelling numbers (NULL: not kept) and the number of words. The caller makes room for
/// the words a run may add (`winnow_prose_run_words_at_most`) and takes the counts back.
typedef struct {
    WinnowSpellingSlot *slots;
    size_t slotMask;
    uint32_t generation;
    WinnowSpelling *spellings;
    size_t spellingCount;
    int32_t *sequence;
    size_t sequenceCount;
    size_t wordCount;
} WinnowVocabulary;

/// What a run took besides its words: where it ended, its characters (all ASCII), their class counts in packed lanes,
/// symbol tokens and `#` signs.
typedef struct {
    size_t end;
    size_t chars;
    size_t symbolTokens;
    size_t hashSigns;
    uint64_t packed;
} WinnowProseRun;

/// `ByteHash` (Text/ByteHash.swift) — the hash of words, lines and paragraphs: from this seed, each 8 bytes mixed in
/// by `winnow_hash_mix`, then the length by `winnow_hash_finish`. Defined once, here, for the C scan and Swift alike, so
/// that the two agree bit for bit (Swift calls these; `Mixer.combine` is `winnow_hash_mix`).
#define WINNOW_BYTE_HASH_SEED 0xCBF29CE484222325ULL
static inline uint64_t winnow_hash_mix(uint64_t hash, uint64_t chunk) {
    uint64_t mixed = (hash ^ chunk) * 0x9E3779B97F4A7C15ULL;
    return mixed ^ (mixed >> 29);
}
static inline uint64_t winnow_hash_finish(uint64_t hash, uint64_t count) {
    uint64_t mixed = (hash ^ count) * 0xBF58476D1CE4E5B9ULL;
    return mixed ^ (mixed >> 32);
}

/// `SWAR.inRange`: the high bit of each byte of `word` that lies in low...high (both ASCII), and nothing else.
static inline uint64_t winnow_in_range(uint64_t word, uint8_t low, uint8_t high) {
    const uint64_t ones = 0x0101010101010101ULL, high_bits = 0x8080808080808080ULL;
    uint64_t ascii = word & ~high_bits;
    uint64_t at_least_low = ascii + ones * (uint64_t)(0x80 - low);
    uint64_t above_high = ascii + ones * (uint64_t)(0x7F - high);
    return at_least_low & ~above_high & ~word & high_bits;
}

/// Eight ASCII bytes in lower case: bit 5 set in each capital (how a word's lower-case hash is taken).
static inline uint64_t winnow_ascii_lower(uint64_t word) { return word | winnow_in_range(word, 'A', 'Z') >> 2; }

/// The spelling table's probe, for the C scan and `DocumentWords` alike: the slot holding `hash` (its number in
/// `*number`), or the empty slot where it goes (`*number` = -1). A slot is empty unless it carries `generation`.
static inline size_t winnow_spelling_slot(const WinnowSpellingSlot *slots, size_t mask, uint32_t generation, uint64_t hash,
                                          int32_t *number) {
    size_t slot = (size_t)(hash >> 17) & mask;
    for (;;) {
        WinnowSpellingSlot stored = slots[slot];
        if (stored.generation != generation) { *number = -1; return slot; }
        if (stored.hash == hash) { *number = stored.number; return slot; }
        slot = (slot + 1) & mask;
    }
}

/// The most words a run from `start` may take when it takes at most `room` characters (a turn takes at most 17
/// characters and one word, and every word but the last is followed by a character).
static inline size_t winnow_prose_run_words_at_most(size_t count, size_t start, size_t room) {
    size_t rest = count - start, limit = room + 17;
    return (rest < limit ? rest : limit) / 2 + 1;
}

/// Prose, the commonest text, from `start` (no word open there): words of 1 to 15 ASCII letters and digits (joined
/// across `'` `-` `.` `,` `_` between two of them), added to `vocabulary` with their `ByteHash`; ASCII white space;
/// and single marks or symbols followed by white space or a word (`"word`, `word, `). Stops before the first word or
/// byte it cannot take (`end`) or once it has taken `room` characters or more. `asciiEntries` is the class table of
/// the 128 ASCII bytes.
WinnowProseRun winnow_prose_run(const uint8_t *text, size_t count, size_t start, size_t room,
                                const uint64_t *asciiEntries, WinnowVocabulary *vocabulary);

/// The same without vector instructions (what processors without SSE2 run; tests compare the two).
WinnowProseRun winnow_prose_run_portable(const uint8_t *text, size_t count, size_t start, size_t room,
                                         const uint64_t *asciiEntries, WinnowVocabulary *vocabulary);

#endif
