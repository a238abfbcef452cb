import Foundation
import Testing
@testable import Winnow

/// Checks against the real BBC corpus in ../shared (research use only, never committed); skipped when it is absent.
@Suite(
    .enabled(
        if: FileManager.default.fileExists(atPath: TestSupport.bbcPath),
        "skipped: needs ../shared/data/news/bbc.jsonl.gz, which a fresh clone does not have"))
struct SharedCorpusTests {
    static let bbcPath = TestSupport.bbcPath

    /// The JSON parser reads every BBC line as Foundation does; `decode` makes a document of each.
    @Test func everyBBCRecordParsesAsFoundationReadsIt() throws {
        let reader = BatchReader(inputs: [InputFile(path: Self.bbcPath, size: nil)], format: .jsonl)
        let decode = DecodeStage()
        var parser = JSONParser()
        var ours: [(id: String, text: String, title: String?)] = []
        while let batch = reader.next() {
            for record in batch.records {
                #expect(try decode.decode(record, of: batch, parser: &parser).document != nil)
                let object = try batch.bytes[record.start..<record.end].withUnsafeBytes { try parser.parseObject($0) }
                ours.append(
                    (object["id"]?.stringValue ?? "", object["text"]?.stringValue ?? "", object["title"]?.stringValue))
            }
        }
        #expect(reader.problems.isEmpty)
        #expect(ours.count == 2225)
        let reference = TestSupport.drain(
            DecompressingReader(source: try FileSource(path: Self.bbcPath)), bufferSize: 1 << 20)
        let lines = reference.bytes.split(separator: 0x0A)
        #expect(lines.count == ours.count)
        for (line, document) in zip(lines, ours) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["id"] as? String == document.id)
            #expect(object["title"] as? String == document.title)
            let same = object["text"] as? String == document.text
            #expect(same, "text of \(document.id)")
        }
    }

    /// Clean news: `clean` removes under 0.5% of its lines (it removes none today).
    @Test func cleanRemovesAlmostNothingFromCleanNews() throws {
        let reader = BatchReader(inputs: [InputFile(path: Self.bbcPath, size: nil)], format: .jsonl)
        let decode = DecodeStage()
        let clean = CleanStage()
        var parser = JSONParser()
        var lines = 0, removed = 0
        while let batch = reader.next() {
            for record in batch.records {
                let document = try #require(try decode.decode(record, of: batch, parser: &parser).document)
                lines += document.text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count
                removed += clean.clean(document.text).removed.count
            }
        }
        #expect(lines > 12_000)
        #expect(Double(removed) < 0.005 * Double(lines), "\(removed) of \(lines) lines removed")
    }

    /// The bundled lid.176 against fastText's answers (committed; the texts stay in ../shared) on every BBC article
    /// and the 69 whatlang passages: the same three labels, probabilities within 1e-4.
    @Test func lid176AgreesWithFastTextOnTheSharedCorpora() throws {
        let answers = TestSupport.drain(
            DecompressingReader(
                source: try FileSource(path: TestSupport.fixture("language/shared-lid176-reference.jsonl.gz"))))
        var expected: [String: (labels: [String], probabilities: [Double])] = [:]
        for line in answers.bytes.split(separator: 0x0A) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            expected["\(object["corpus"]!)/\(object["key"]!)"] = (
                object["labels"] as! [String], object["probabilities"] as! [Double]
            )
        }
        var texts: [(key: String, text: String)] = []
        // The texts as stored (decode would turn the corpus's `&#233;` into `é`; fastText saw the raw text).
        let bbc = TestSupport.drain(
            DecompressingReader(source: try FileSource(path: Self.bbcPath)), bufferSize: 1 << 20)
        for line in bbc.bytes.split(separator: 0x0A) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            texts.append(("bbc/\(object["id"]!)", try #require(object["text"] as? String)))
        }
        let whatlang = try String(
            contentsOfFile: TestSupport.packageRoot.appendingPathComponent(
                "../shared/data/language/whatlang-examples.jsonl"
            ).path, encoding: .utf8)
        for (number, line) in whatlang.split(separator: "\n").enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            texts.append(("whatlang/\(number + 1)", try #require(object["text"] as? String)))
        }
        #expect(texts.count == 2225 + 69)
        let model = FastTextModel.languageIdentification176
        var sameTop = 0, largestDifference = 0.0
        for (key, text) in texts {
            let reference = try #require(expected[key], "\(key)")
            let predictions = model.predict(text, k: 3)
            #expect(predictions.map { model.labels[$0.label] } == reference.labels, "\(key)")
            if predictions.first.map({ model.labels[$0.label] }) == reference.labels.first { sameTop += 1 }
            for (prediction, probability) in zip(predictions, reference.probabilities) {
                largestDifference = max(largestDifference, abs(Double(prediction.probability) - probability))
            }
        }
        #expect(sameTop == texts.count)
        #expect(largestDifference <= 1e-4, "largest difference \(largestDifference)")
    }
}
