#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One updating status line on stderr: inputs done of total, documents, MB read (compressed and text), MB/s and an
/// ETA from the compressed bytes. Redrawn at most four times a second; `finish` clears it.
public final class ProgressReporter {
    private let totalCompressedBytes: Int?
    private let totalFiles: Int
    private let started = Clock.now
    private var lastDraw: UInt64 = 0
    private var drawn = false

    /// `totalCompressedBytes` is nil when it is unknown (standard input): then there is no ETA.
    public init(totalFiles: Int, totalCompressedBytes: Int?) {
        self.totalFiles = totalFiles
        self.totalCompressedBytes = totalCompressedBytes
    }

    /// Whether stderr is a terminal (the default for showing progress).
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    func update(filesDone: Int, compressedBytes: Int, summary: RunSummary) {
        let now = Clock.now
        guard now - lastDraw >= 250_000_000 else { return }
        lastDraw = now
        let elapsed = max(Clock.seconds(since: started), 1e-6)
        let rate = Double(compressedBytes) / elapsed / 1e6
        var line = "\(filesDone)/\(totalFiles) inputs · \(summary.read) docs · \(RunSummary.size(compressedBytes)) read, "
            + "\(RunSummary.size(summary.textBytes)) text · \(String(format: "%.1f", rate)) MB/s"
        if let total = totalCompressedBytes, compressedBytes > 0, total > compressedBytes {
            let remaining = Double(total - compressedBytes) / (Double(compressedBytes) / elapsed)
            line += " · ETA " + Self.clock(remaining)
        }
        draw("\r\u{1B}[2K" + line)
        drawn = true
    }

    func finish() {
        if drawn { draw("\r\u{1B}[2K") }
        drawn = false
    }

    private func draw(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" : "\(total / 60)m\(String(format: "%02d", total % 60))s"
    }
}
