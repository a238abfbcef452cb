import Foundation
import Testing
@testable import Winnow

@Suite struct DecompressingReaderTests {
    static let text = (1...400).map { "line \($0): the quick brown fox jumps over the lazy dog, ünïcödé 😀\n" }.joined()

    func read(_ bytes: [UInt8], chunks: [Int] = [], bufferSize: Int = 4096) -> (bytes: [UInt8], error: Error?) {
        TestSupport.drain(
            DecompressingReader(source: MemorySource(bytes, path: "test.gz", chunkSizes: chunks), inputBufferSize: 512),
            bufferSize: bufferSize)
    }

    @Test func wholeByteByByteAndRandomChunksAgree() {
        let compressed = TestSupport.gzip(Self.text)
        let expected = Array(Self.text.utf8)
        #expect(read(compressed).bytes == expected)
        #expect(read(compressed, chunks: [1]).bytes == expected)
        #expect(read(compressed, chunks: [1], bufferSize: 1).bytes == expected)
        for seed in 1...5 as ClosedRange<UInt64> {
            let result = read(
                compressed, chunks: TestSupport.randomChunkSizes(seed: seed), bufferSize: 1 + Int(seed) * 97)
            #expect(result.bytes == expected && result.error == nil, "seed \(seed)")
        }
    }

    @Test func concatenatedMembersAreOneStream() {
        let parts = ["first member\n", "second member\n", "", "fourth after an empty member\n"]
        let compressed = parts.flatMap { TestSupport.gzip($0) }
        for chunks in [[], [1], [3, 5, 7]] {
            let result = read(compressed, chunks: chunks)
            #expect(String(decoding: result.bytes, as: UTF8.self) == parts.joined())
            #expect(result.error == nil)
        }
    }

    @Test func uncompressedInputPassesThroughWhateverItsName() throws {
        let reader = DecompressingReader(source: try FileSource(path: TestSupport.fixture("plain-named.jsonl.gz")))
        let result = TestSupport.drain(reader)
        #expect(reader.format == nil)
        #expect(result.error == nil)
        #expect(String(decoding: result.bytes, as: UTF8.self).hasPrefix(#"{"id": "r1""#))
        #expect(read([]).bytes.isEmpty && read([]).error == nil, "an empty input is empty, not an error")
        #expect(read([0x1F]).bytes == [0x1F], "one byte cannot be gzip")
    }

    @Test func truncatedStreamDeliversEverythingBeforeTheCutThenNamesFileAndOffset() {
        let compressed = TestSupport.gzip(Self.text)
        for cut in [10, compressed.count / 3, compressed.count / 2, compressed.count - 4] {
            for chunks in [[], [1], [13, 2]] {
                let result = read(Array(compressed[..<cut]), chunks: chunks)
                #expect(Self.text.utf8.starts(with: result.bytes))
                let failure = result.error as? DecompressionFailure
                #expect(
                    failure?.problem.contains("truncated") == true, "cut at \(cut): \(String(describing: result.error))"
                )
                #expect(failure?.path == "test.gz")
                #expect(failure?.offset == cut)
            }
        }
        // Nearly everything before a late cut comes out.
        let late = read(Array(compressed[..<(compressed.count - 9)]))
        #expect(late.bytes.count > Self.text.utf8.count - 100)
    }

    /// Everything a reader gives: the bytes, the error it ended with, and the damaged stretches it skipped.
    func readWithFaults(
        _ bytes: [UInt8], chunks: [Int] = []
    ) -> (bytes: [UInt8], error: Error?, faults: [DecompressionFailure]) {
        let reader = DecompressingReader(
            source: MemorySource(bytes, path: "test.gz", chunkSizes: chunks), inputBufferSize: 512)
        let result = TestSupport.drain(reader)
        return (result.bytes, result.error, reader.takeFaults())
    }

    @Test func corruptDataAndBadChecksumsDropTheirMemberAndAreFaults() throws {
        var compressed = TestSupport.gzip(Self.text)
        compressed[compressed.count / 2] ^= 0x55
        let corrupt = readWithFaults(compressed)
        #expect(corrupt.error == nil && corrupt.bytes.isEmpty, "a damaged member's bytes are not used")
        #expect(
            corrupt.faults.count == 1 && corrupt.faults[0].problem.contains("corrupt gzip data"), "\(corrupt.faults)")
        #expect(corrupt.faults.first?.problem.contains("no member follows") == true)

        let reader = DecompressingReader(source: try FileSource(path: TestSupport.fixture("bad-crc.jsonl.gz")))
        let badCRC = TestSupport.drain(reader)
        let faults = reader.takeFaults()
        #expect(faults.count == 1 && faults[0].problem.contains("incorrect data check"), "\(faults)")
        #expect(faults.first?.path.hasSuffix("bad-crc.jsonl.gz") == true)
        #expect(badCRC.bytes.isEmpty, "a member whose CRC fails is not passed on")
    }

    @Test func readingGoesOnAtTheMemberAfterADamagedOne() {
        let members = (0..<5).map {
            TestSupport.gzip("member \($0)\n" + String(repeating: "padding text \($0) ", count: 50) + "\n")
        }
        var damaged = members
        damaged[2][damaged[2].count / 2] ^= 0x55  // corrupt deflate data
        damaged[3][damaged[3].count - 6] ^= 0x01  // a bad CRC
        let joined = damaged.flatMap { $0 }
        for chunks in [[], [1], [7, 3, 11]] {
            let result = readWithFaults(joined, chunks: chunks)
            let text = String(decoding: result.bytes, as: UTF8.self)
            #expect(result.error == nil)
            #expect(text.hasPrefix("member 0") && text.contains("member 1") && text.contains("member 4"), "\(chunks)")
            #expect(!text.contains("member 2") && !text.contains("member 3"), "damaged members are dropped")
            #expect(result.faults.count == 2, "\(chunks): \(result.faults)")
            let start2 = members[0].count + members[1].count
            #expect(result.faults.first?.problem.contains("compressed bytes \(start2)–") == true, "\(result.faults)")
            #expect(result.faults.allSatisfy { $0.problem.contains("reading goes on at the next member") })
        }
    }

    @Test func garbageBetweenMembersIsSkippedAndAfterTheLastReportedButZeroPaddingIsNot() {
        let member = TestSupport.gzip("hello\n")
        let padded = readWithFaults(member + [0, 0, 0, 0])
        #expect(padded.error == nil && padded.faults.isEmpty && padded.bytes == Array("hello\n".utf8))
        let garbage = readWithFaults(member + Array("trailing junk".utf8))
        #expect(garbage.bytes == Array("hello\n".utf8))
        #expect(
            garbage.faults.first?.offset == member.count
                && garbage.faults.first?.problem.contains("after the last gzip member") == true)
        let between = readWithFaults(member + Array("junk".utf8) + member)
        #expect(between.bytes == Array("hello\nhello\n".utf8))
        #expect(
            between.faults.count == 1
                && between.faults[0].problem.contains("4 bytes that are not gzip between members"), "\(between.faults)")
        #expect(!between.faults[0].problem.contains("after the last"), "members follow")
    }

    @Test func encoderMembersRoundTripThroughTheReader() {
        var output: [UInt8] = []
        for part in ["a", "", String(repeating: "bc", count: 100_000)] {
            Array(part.utf8).withUnsafeBytes { GzipEncoder.appendMember(compressing: $0, to: &output) }
        }
        let result = read(output, bufferSize: 65536)
        #expect(result.error == nil)
        #expect(result.bytes.count == 1 + 200_000)
    }
}
