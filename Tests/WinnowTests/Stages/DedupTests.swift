import Foundation
import Testing
@testable import Winnow

@Suite struct DedupTests {
    // MARK: - Pure parts

    @Test func xxHash64MatchesTheReference() {
        // Values from Python's xxhash package.
        #expect(XXHash64.hash("") == 17_241_709_254_077_376_921)
        #expect(
            XXHash64.hash("the quick brown fox jumps over the lazy dog again and again") == 1_939_269_135_188_313_045)
        #expect(XXHash64.hash("abc", seed: 7) == 11_418_122_616_350_078_679)
    }

    @Test func normalisationFollowsDatatrovesSimplifyText() {
        // datatrove: simplify_text('Hello, World! 3.14 and 1,000,000 Café — naïve İstanbul')
        let words = DedupNormalizer.datatrove.words(of: "Hello, World! 3.14 and 1,000,000 Café — naïve İstanbul")
        #expect(String(decoding: words.bytes, as: UTF8.self) == "hello world 0 and 0 0 cafe naive istanbul")
        #expect(words.words == ["hello", "world", "0", "and", "0", "0", "cafe", "naive", "istanbul"])
        var keepDiacritics = DedupNormalizer.Options.datatrove
        keepDiacritics.remove(.stripDiacritics)
        #expect(
            DedupNormalizer(options: keepDiacritics).words(of: "Café  naïve\n\t3rd").words == ["café", "naïve", "0rd"])
        #expect(
            DedupNormalizer(options: [.stripDiacritics]).words(of: "Café, NAÏVE 3.5").words == [
                "Cafe,", "NAIVE", "3.5",
            ])
        #expect(
            DedupNormalizer(options: [.lowercase, .punctuation]).words(of: "Ab-c 1,5").words == ["ab", "c", "1", "5"])
        #expect(DedupNormalizer.datatrove.words(of: " ... !!! ").count == 0)
    }

    @Test func textWithoutSpacesIsShingledByCharacter() {
        let words = DedupNormalizer.datatrove.words(of: "東京は、晴れです。")
        #expect(words.byCharacter)
        // Stripping diacritics takes the dakuten off で (NFD: て + U+3099), as datatrove does.
        #expect(words.words == ["東", "京", "は", "晴", "れ", "て", "す"])
        #expect(words.shingleHashes(5).count == 3)
        #expect(words.shingleHashes(5)[0] == XXHash64.hash("東京は晴れ"))
        let latin = DedupNormalizer.datatrove.words(of: "one two three four five six")
        #expect(!latin.byCharacter)
        #expect(
            latin.shingleHashes(5) == [
                XXHash64.hash("one two three four five"), XXHash64.hash("two three four five six"),
            ])
        #expect(
            DedupNormalizer.datatrove.words(of: "just three words").shingleHashes(5) == [
                XXHash64.hash("just three words")
            ])
    }

    @Test func bandsAndRowsForAThresholdAreDatasketchs() {
        // datasketch.MinHashLSH(threshold=0.8, num_perm=112) → b 9, r 12; (0.5, 128) → b 25, r 5.
        #expect(MinHasher.optimalBandsAndRows(threshold: 0.8, permutations: 112) == (9, 12))
        #expect(MinHasher.optimalBandsAndRows(threshold: 0.5, permutations: 128) == (25, 5))
    }

    @Test func signaturesEstimateJaccard() {
        let hasher = MinHasher(bands: 64, rows: 4)
        let a = (0..<1000).map { XXHash64.hash("shingle \($0)") }
        let b = Array(a[200...]) + (0..<200).map { XXHash64.hash("other \($0)") }  // Jaccard 800/1200 = 0.667
        let (sa, sb) = (hasher.signature(a), hasher.signature(b))
        #expect(hasher.signature(a.reversed()) == sa)
        #expect(hasher.portableSignature(a) == sa)
        #expect(MinHasher(bands: 3, rows: 5).signature(b) == MinHasher(bands: 3, rows: 5).portableSignature(b))
        #expect(hasher.signature([]) == [UInt32](repeating: .max, count: 256))
        let full = Double(zip(sa, sb).filter { $0 == $1 }.count) / Double(sa.count)
        #expect(abs(full - 2.0 / 3) < 0.08)
        var index = DedupIndex(parameters: .init(bands: 64, rows: 4, seed: 1, ngram: 5))
        index.add(id: "a", exactHash: 1, bandKeys: hasher.bandKeys(sa), sketch: DedupIndex.sketch(of: sa))
        #expect(abs(index.estimatedSimilarity(DedupIndex.sketch(of: sb), to: 0) - 2.0 / 3) < 0.1)
        #expect(index.estimatedSimilarity(DedupIndex.sketch(of: sa), to: 0) == 1)
        #expect(index.candidates(bandKeys: hasher.bandKeys(sb)) == [0])
        #expect(index.candidates(bandKeys: hasher.bandKeys(hasher.signature((0..<500).map { UInt64($0) }))) == [])
        #expect(DedupLookup.jaccard(Array(Set(a)).sorted(), Array(Set(b)).sorted()) == 800.0 / 1200)
    }

    @Test func indexSavesLoadsAndMerges() throws {
        let parameters = DedupIndex.Parameters(bands: 2, rows: 2, seed: 1, ngram: 5)
        var first = DedupIndex(parameters: parameters)
        for number in 0..<3000 {
            first.add(
                id: "doc-\(number)", exactHash: UInt64(number) &* 0x9E37_79B9_7F4A_7C15,
                bandKeys: [UInt32(number), UInt32(number + 1)],
                sketch: [UInt64(number)], duplicateOf: number % 10 == 9 ? number - 1 : nil)
        }
        _ = first.insertParagraph(42)
        let directory = TestSupport.temporaryDirectory()
        let path = directory.appendingPathComponent("index.bin").path
        try first.save(path: path)
        let loaded = try DedupIndex.load(path: path)
        #expect(loaded.serialized() == first.serialized())
        #expect(loaded.count == 3000 && loaded.id(of: 2999) == "doc-2999" && loaded.root(of: 19) == 18)
        #expect(loaded.document(withExactHash: 7 &* 0x9E37_79B9_7F4A_7C15) == 7)
        #expect(loaded.candidates(bandKeys: [5, 99_999]) == [5])
        var paragraphs = loaded
        let newParagraph = paragraphs.insertParagraph(42)
        #expect(!newParagraph)

        var second = DedupIndex(parameters: parameters)
        second.add(id: "late", exactHash: 7, bandKeys: [5, 123_456], sketch: [0])
        var merged = loaded
        try merged.merge(second)
        #expect(merged.count == 3001 && merged.id(of: 3000) == "late")
        #expect(merged.candidates(bandKeys: [5, 123_456]) == [5, 3000])

        let otherParameters = DedupIndex(parameters: .init(bands: 3, rows: 2, seed: 1, ngram: 5))
        #expect(throws: DedupIndexError.self) {
            var copy = DedupIndex(parameters: parameters)
            try copy.merge(otherParameters)
        }
        var truncated = first.serialized()
        truncated.removeLast(5)
        #expect(throws: DedupIndexError.self) { try DedupIndex(serialized: truncated) }
        #expect(throws: DedupIndexError.self) { try DedupIndex(serialized: Array("not an index".utf8)) }
    }

    /// The README's formula: ≈ 100 + id bytes in arrays and ≈ 78 in tables a document at 14 × 8.
    @Test func indexMemoryFollowsTheFormula() {
        var index = DedupIndex(parameters: .init(bands: 14, rows: 8, seed: 1, ngram: 5))
        var random = SeededGenerator(seed: 3)
        for number in 0..<60_000 {
            index.add(
                id: String(format: "s%07d", number), exactHash: random.next(),
                bandKeys: (0..<14).map { _ in UInt32(truncatingIfNeeded: random.next()) },
                sketch: [random.next(), random.next(), random.next(), random.next()])
        }
        // As paragraph hashes are: odd, never 0.
        for hash in 0..<1000 { _ = index.insertParagraph(UInt64(hash) * 2 + 1) }
        #expect(index.paragraphCount == 1000)
        let perDocument = Double(index.memoryBytes) / Double(index.count)
        // 60,000 is not a multiple of the 65,536-element chunks, so the arrays carry some room; tables 68–85% full.
        #expect(perDocument > 150 && perDocument < 240, "\(perDocument) bytes a document")
    }

    // MARK: - The stage in a pipeline

    /// A word made of letters for a number (digits would all normalise to 0).
    static func word(_ number: Int) -> String {
        String(
            String(number, radix: 26).map {
                Character(UnicodeScalar(($0.wholeNumberValue ?? Int($0.asciiValue! - 87)) + 97)!)
            })
    }

    /// 600 words, no shingle repeated.
    static let story = (1...60).map { sentence in
        "The " + (0..<9).map { word(sentence * 31 + $0 * 7) }.joined(separator: " ") + "."
    }.joined(separator: " ")

    static func records(_ texts: [(String, String)]) -> String {
        texts.map { id, text in
            let data = try! JSONSerialization.data(withJSONObject: ["id": id, "text": text])
            return String(decoding: data, as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }

    /// Runs `yaml` over `input`; returns the output and rejects records.
    static func run(
        _ yaml: String, _ input: String, jobs: Int = 1, batchRecords: Int = 1000
    ) async throws -> (output: [[String: Any]], rejects: [[String: Any]]) {
        let directory = TestSupport.temporaryDirectory()
        let inputURL = directory.appendingPathComponent("in.jsonl")
        TestSupport.write(Array(input.utf8), to: inputURL)
        let outputPath = directory.appendingPathComponent("out.jsonl").path,
            rejectsPath = directory.appendingPathComponent("rejects.jsonl").path
        var options = Runner.Options(jobs: jobs)
        options.maximumBatchRecords = batchRecords
        let output = try OutputFile(path: outputPath), rejects = try OutputFile(path: rejectsPath)
        let summary = await Runner(pipeline: try Pipeline.parse(yaml, file: "test.yaml"), options: options)
            .run(inputs: try InputFile.expand([inputURL.path]), to: .init(output: output, rejects: rejects))
        #expect(summary.failure == nil)
        try output.commit()
        try rejects.commit()
        func lines(_ path: String) throws -> [[String: Any]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        }
        return (try lines(outputPath), try lines(rejectsPath))
    }

    @Test func exactAndNearDuplicatesAreDroppedWithTheirOriginal() async throws {
        var near = Self.story.split(separator: " ").map(String.init)
        near[100] = "changed"
        near.remove(at: 300)
        let input = Self.records([
            ("a", Self.story), ("b", "Something else entirely, short."), ("c", Self.story.uppercased() + "!!"),
            ("d", near.joined(separator: " ")), ("e", "Another unrelated text about cooking pasta at home."),
        ])
        let (output, rejects) = try await Self.run("version: 1\nstages:\n  - dedup: {}\n", input)
        #expect(output.map { $0["id"] as! String } == ["a", "b", "e"])
        #expect(rejects.map { $0["id"] as! String } == ["c", "d"])
        #expect((rejects[0]["dropped"] as! [String: String])["reason"] == "exact_duplicate")
        #expect((rejects[1]["dropped"] as! [String: String])["reason"] == "near_duplicate")
        let nearDedup = rejects[1]["dedup"] as! [String: Any]
        #expect(nearDedup["duplicate_of"] as? String == "a" && nearDedup["cluster"] as? String == "a")
        #expect((nearDedup["similarity"] as! Double) > 0.8 && (nearDedup["similarity"] as! Double) < 1)
        let kept = output[0]["dedup"] as! [String: Any]
        #expect(
            kept["cluster"] as? String == "a" && kept["duplicate_of"] is NSNull && kept["similarity"] as? Double == 1)

        let exactOnly = try await Self.run("version: 1\nstages:\n  - dedup: {near: false, verify: exact}\n", input)
        #expect(exactOnly.rejects.map { $0["id"] as! String } == ["c"])
        let annotated = try await Self.run("version: 1\nstages:\n  - dedup: {mode: annotate, verify: exact}\n", input)
        #expect(annotated.output.count == 5 && annotated.rejects.isEmpty)
        #expect((annotated.output[3]["dedup"] as! [String: Any])["duplicate_of"] as? String == "a")
    }

    @Test func seenParagraphsAreRemoved() async throws {
        let input = Self.records([
            ("a", "Intro one.\nShared footer line here.\nBody of a."),
            ("b", "Intro two.\nshared FOOTER line here!\nBody of b.\nBody of b."),
        ])
        let (output, _) = try await Self.run("version: 1\nstages:\n  - dedup: {paragraphs: true}\n", input)
        #expect(
            output.map { $0["text"] as! String } == [
                "Intro one.\nShared footer line here.\nBody of a.", "Intro two.\nBody of b.",
            ])
        #expect((output[1]["dedup"] as! [String: Any])["paragraphs_removed"] as? Int == 2)
    }

    @Test func outputIsTheSameForAnyJobsAndBatchSize() async throws {
        var texts: [(String, String)] = []
        for number in 0..<300 {
            let base = (0..<40).map { "w\(($0 * 7 + number / 3) % 97)" }.joined(separator: " ")
            texts.append(("d\(number)", number % 5 == 0 ? Self.story : base))
        }
        let input = Self.records(texts)
        let yaml = "version: 1\nstages:\n  - dedup: {threshold: 0.5}\n"
        let one = try await Self.run(yaml, input, jobs: 1, batchRecords: 1000)
        let two = try await Self.run(yaml, input, jobs: 2, batchRecords: 7)
        #expect(one.output.map { $0["id"] as! String } == two.output.map { $0["id"] as! String })
        #expect(one.rejects.map { $0["id"] as! String } == two.rejects.map { $0["id"] as! String })
        #expect(!one.rejects.isEmpty && one.output.count + one.rejects.count == 300)
    }

    @Test func theIndexCarriesOverToTheNextRun() async throws {
        let directory = TestSupport.temporaryDirectory()
        let indexPath = directory.appendingPathComponent("seen.index").path
        let yaml = "version: 1\nstages:\n  - dedup: {index: \(indexPath)}\n"
        let first = try await Self.run(yaml, Self.records([("a", Self.story), ("b", "A different short text.")]))
        #expect(first.output.count == 2)
        #expect(FileManager.default.fileExists(atPath: indexPath))
        let second = try await Self.run(yaml, Self.records([("c", Self.story), ("d", "Brand new material here.")]))
        #expect(second.output.map { $0["id"] as! String } == ["d"])
        #expect((second.rejects[0]["dedup"] as! [String: Any])["duplicate_of"] as? String == "a")
        #expect(try DedupIndex.load(path: indexPath).count == 3)

        // A damaged index fails the run at the start, naming the file; nothing is written over it.
        TestSupport.write(Array("WNDXIDX2 but then nothing".utf8), to: URL(fileURLWithPath: indexPath))
        var options = Runner.Options(jobs: 1)
        options.discardOutput = true
        let summary = await Runner(pipeline: try Pipeline.parse(yaml, file: "test.yaml"), options: options)
            .run(inputs: [], to: .init(output: nil, rejects: nil))
        #expect(summary.failure?.contains(indexPath) == true, "\(summary.failure ?? "no failure")")
        #expect(try String(contentsOfFile: indexPath, encoding: .utf8) == "WNDXIDX2 but then nothing")
    }

    /// The quality measurement of `Scripts/eval/dedup-quality.py` on a small synthetic sample: near-duplicates made with
    /// known substitution, deletion and insertion rates, judged against brute-force Jaccard of the same shingles.
    @Test func nearDuplicatesAgreeWithBruteForceJaccard() async throws {
        var random = SeededGenerator(seed: 11)
        let vocabulary = (0..<3000).map { Self.word($0 * 13 + 5) }
        var texts: [(String, String)] = []
        for number in 0..<120 {
            texts.append(
                ("base-\(number)", (0..<150).map { _ in vocabulary[Int(random.next() % 3000)] }.joined(separator: " ")))
        }
        let rates = [0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1]
        for number in 0..<140 {
            var words = texts[Int(random.next() % 120)].1.split(separator: " ").map(String.init)
            let rate = rates[number % rates.count]
            for index in stride(from: words.count - 1, through: 0, by: -1)
            where Double(random.next() % 10_000) / 10_000 < rate {
                switch number % 3 {
                case 0: words[index] = vocabulary[Int(random.next() % 3000)]
                case 1: words.remove(at: index)
                default: words.insert(vocabulary[Int(random.next() % 3000)], at: index)
                }
            }
            texts.append(("variant-\(number)", words.joined(separator: " ")))
        }
        // Brute force: does some earlier document have Jaccard ≥ 0.8 with this one?
        let sets = texts.map { Set(DedupNormalizer.datatrove.words(of: $0.1).shingleHashes(5)) }
        let truth = sets.indices.map { index in
            (0..<index).contains { other in
                Double(sets[index].intersection(sets[other]).count) / Double(sets[index].union(sets[other]).count)
                    >= 0.8
            }
        }
        let (output, _) = try await Self.run(
            "version: 1\nstages:\n  - dedup: {mode: annotate, verify: exact}\n", Self.records(texts))
        let marked = output.map { !((($0["dedup"] as! [String: Any])["duplicate_of"]) is NSNull) }
        let truePositives = zip(marked, truth).filter { $0 && $1 }.count
        let precision = Double(truePositives) / Double(marked.filter { $0 }.count)
        let recall = Double(truePositives) / Double(truth.filter { $0 }.count)
        #expect(truth.filter { $0 }.count > 50, "the sample has near-duplicates on both sides of 0.8")
        #expect(truth.filter { !$0 }.count > 150)
        #expect(precision >= 0.99, "precision \(precision)")
        #expect(recall >= 0.95, "recall \(recall)")
    }
}
