import CProseScan
import Foundation
import Testing
@testable import Winnow

/// The containers of Sources/Winnow/Support, each against the plain Swift model of what it holds, on random input.
struct SupportTests {
    /// A generator seeded per test, so a failure repeats.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 { Mixer.splitMix(&state) }
    }

    @Test func rawArrayHoldsWhatAnArrayHolds() {
        var random = Seeded(state: 1)
        var raw = RawArray<Int32>(capacity: 1)
        var model: [Int32] = []
        for _ in 0..<10_000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0 where !model.isEmpty:
                let keep = Int.random(in: 0...model.count, using: &random)
                raw.truncate(to: keep)
                model.removeLast(model.count - keep)
            case 1 where !model.isEmpty:
                let index = Int.random(in: 0..<model.count, using: &random)
                let value = Int32.random(in: .min ... .max, using: &random)
                raw[index] = value
                model[index] = value
            default:
                let value = Int32.random(in: .min ... .max, using: &random)
                raw.append(value)
                model.append(value)
            }
        }
        #expect(raw.count == model.count)
        #expect((0..<raw.count).map { raw[$0] } == model)
        let filled = RawArray(repeating: UInt8(7), count: 100)
        #expect((0..<filled.count).allSatisfy { filled[$0] == 7 })
    }

    @Test func chunkedArrayHoldsWhatAnArrayHoldsAcrossChunks() {
        var random = Seeded(state: 2)
        // More than three chunks of 2^16.
        let elements = (0..<200_000).map { _ in UInt32.random(in: .min ... .max, using: &random) }
        var chunked = ChunkedArray<UInt32>()
        chunked.append(contentsOf: elements[..<70_000])
        for element in elements[70_000...] { chunked.append(element) }
        #expect(chunked.count == elements.count)
        #expect(chunked.last == elements.last)
        #expect(chunked.elements(65_530..<65_542) == Array(elements[65_530..<65_542]))
        #expect(ChunkedArray(elements).elements(0..<elements.count) == elements)
        var bytes: [UInt8] = []
        chunked.forEachChunk { bytes += $0 }
        #expect(bytes.count >= elements.count * 4)
        #expect(Array(bytes[..<(elements.count * 4)]) == elements.withUnsafeBytes { Array($0) })
        #expect(ChunkedArray<UInt32>().last == nil)
    }

    @Test func hashSetIsASetOfHashes() {
        var random = Seeded(state: 3)
        var set = HashSet(capacity: 4)
        var model = Set<UInt64>()
        for _ in 0..<50_000 {
            // Small values repeat; 0 and 1 are the same member (0 marks an empty slot and is stored as 1).
            let hash = Bool.random(using: &random) ? UInt64.random(in: 0..<5_000, using: &random) : random.next()
            #expect(set.insert(hash) == model.insert(hash == 0 ? 1 : hash).inserted)
        }
        #expect(set.count == model.count)
        var members = Set<UInt64>()
        set.forEach { members.insert($0) }
        #expect(members == model)
    }

    @Test func hashCounterCountsAndRemembersTheFirstPlace() {
        var random = Seeded(state: 4)
        var counter = HashCounter(capacity: 20_000)  // a fixed table: room for every add
        var counts: [UInt64: (count: Int, first: Int)] = [:]
        for index in 0..<20_000 {
            let hash = UInt64.random(in: 0..<3_000, using: &random) &* Mixer.golden
            let key = hash == 0 ? 1 : hash
            let expected = counts[key].map { ($0.count + 1, $0.first) } ?? (1, index)
            counts[key] = expected
            let got = counter.add(hash, index: index)
            #expect(got.count == expected.0 && got.first == expected.1)
        }
    }

    @Test func perfectHashSetFindsItsMembersAndNothingElse() {
        var random = Seeded(state: 5)
        for size in [0, 1, 2, 7, 100, 1_000] {
            let members = (0..<size).map { _ in random.next() }
            let set = PerfectHashSet(members + members.prefix(3))  // duplicates are one member
            #expect(members.allSatisfy(set.contains))
            let members64 = Set(members)
            let outsiders = (0..<10_000).map { _ in random.next() }.filter { !members64.contains($0) }
            #expect(!outsiders.contains(where: set.contains), "size \(size)")
        }
    }

    @Test func perThreadGivesEachThreadItsOwnValue() {
        final class Box: @unchecked Sendable { var seen: ObjectIdentifier? }
        let made = PerThread { Box() }
        let first = made.value
        #expect(made.value === first, "the same thread gets the same value")
        // Another thread makes a value of its own, and keeps it.
        let result = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let value = made.value
            result.seen = made.value === value ? ObjectIdentifier(value) : nil
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(result.seen != nil)
        #expect(result.seen != ObjectIdentifier(first))
    }

    @Test func mixerStepsAreTheKnownFunctions() {
        // SplitMix64 from state 0: the reference sequence (Vigna's splitmix64.c).
        var state: UInt64 = 0
        #expect(Mixer.splitMix(&state) == 0xE220_A839_7B1D_CDAF)
        #expect(Mixer.splitMix(&state) == 0x6E78_9E6A_A1B9_65F4)
        #expect(Mixer.splitMix(&state) == 0x06C4_5D18_8009_454F)
        // combine is a bijection of the value for a fixed hash: no two of 100,000 values meet.
        let combined = Set((0..<100_000 as Range<UInt64>).map { Mixer.combine(0x1234_5678, $0) })
        #expect(combined.count == 100_000)
        #expect(Mixer.combine(7, 9) == winnow_hash_mix(7, 9))
    }
}

/// The definitions shared with C (CProseScan.h): Swift's `ByteHash` and `SWAR` call them, and the C word scan agrees
/// with Swift's hashing word for word.
struct SharedDefinitionTests {
    @Test func inRangeMarksExactlyTheBytesInRange() {
        var random = SupportTests.Seeded(state: 6)
        for _ in 0..<20_000 {
            let word = random.next()
            let (low, high) = (UInt8.random(in: 0...0x7F, using: &random), UInt8.random(in: 0...0x7F, using: &random))
            guard low <= high else { continue }
            var expected: UInt64 = 0
            for byte in 0..<8 where (low...high).contains(UInt8(truncatingIfNeeded: word >> (8 * UInt64(byte)))) {
                expected |= 0x80 << (8 * UInt64(byte))
            }
            #expect(SWAR.inRange(word, low, high) == expected)
            #expect(winnow_in_range(word, low, high) == expected)
        }
    }

    @Test func theCScanHashesWordsAsByteHashDoes() {
        // ASCII prose: the C kernel takes all of it, hashing each word as written and in lower case.
        let text =
            "The Quick brown fox, aged 12, jumps over the LAZY dog's back again and Again. Extraordinary e-mail 3.14 x"
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map {
            $0.hasSuffix(".") && $0 != "3.14" ? String($0.dropLast()) : String($0)
        }
        var distinct: [String] = []
        for word in words where !distinct.contains(word) { distinct.append(word) }
        let bytes = Array((text + String(repeating: " ", count: 16)).utf8)  // the kernel reads 16 bytes at a time
        let slots = UnsafeMutablePointer<WinnowSpellingSlot>.allocate(capacity: 1024)
        slots.initialize(repeating: WinnowSpellingSlot(), count: 1024)
        let spellings = UnsafeMutablePointer<WinnowSpelling>.allocate(capacity: bytes.count)
        defer { slots.deallocate(); spellings.deallocate() }
        var vocabulary = WinnowVocabulary(
            slots: slots, slotMask: 1023, generation: 1, spellings: spellings, spellingCount: 0,
            sequence: nil, sequenceCount: 0, wordCount: 0)
        let run = bytes.withUnsafeBufferPointer {
            winnow_prose_run(
                $0.baseAddress, $0.count, 0, 1 << 20, CharacterClasses.lookup.asciiPackedIncrements.baseAddress!,
                &vocabulary)
        }
        #expect(run.end >= text.utf8.count, "the kernel took the whole text")
        #expect(vocabulary.spellingCount == distinct.count)
        for (number, word) in distinct.enumerated() where number < vocabulary.spellingCount {
            #expect(spellings[number].hash == ByteHash.of(word), "\(word)")
            #expect(spellings[number].lowerCaseHash == ByteHash.of(word.lowercased()), "\(word)")
        }
    }
}
