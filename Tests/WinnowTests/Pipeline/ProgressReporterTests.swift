import Testing
@testable import Winnow

@Suite struct ProgressReporterTests {
    @Test func theLineSaysElapsedPercentEtaAndWhatBecameOfTheDocuments() {
        var summary = RunSummary(stageNames: ["decode", "output"])
        summary.stages[0].documentsIn = 120
        summary.stages[0].dropped = ["empty_text": 15]
        summary.stages[0].reject("malformed_json")
        summary.writtenDocuments = 100
        let line = ProgressReporter.line(
            elapsed: 75, filesDone: 3, totalFiles: 8, compressedBytes: 25_000_000,
            totalCompressedBytes: 100_000_000, summary: summary)
        #expect(
            line
                == "1:15 · 25% · ETA 3:45 · 3/8 inputs · 120 docs: 100 kept, 15 dropped, 1 rejected · 0.3 MB/s of input (as stored)",
            "\(line)")
        let unknownTotal = ProgressReporter.line(
            elapsed: 3700, filesDone: 0, totalFiles: 1, compressedBytes: 5, totalCompressedBytes: nil, summary: summary)
        #expect(unknownTotal.hasPrefix("1:01:40 · 0/1 inputs"), "no percent or ETA without a total: \(unknownTotal)")
    }

    @Test func aLineNeverTakesTheTerminalsLastColumn() {
        let line = String(repeating: "é·x", count: 60)
        for columns in [1, 2, 40, 70, 79, 200] {
            let fitted = ProgressReporter.fitted(line, columns: columns)
            #expect(fitted.count <= max(columns - 1, 1), "\(columns): \(fitted.count)")
        }
        #expect(ProgressReporter.fitted("short", columns: 70) == "short")
        #expect(ProgressReporter.fitted(line, columns: 70).hasSuffix("…"))
    }
}
