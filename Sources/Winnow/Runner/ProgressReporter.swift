#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on stderr: elapsed time, percent and ETA (from the compressed bytes read of the inputs' total size),
/// inputs done, documents read and what became of them, and the read rate of the input as stored (compressed MB/s).
///
/// On a terminal it is one line redrawn at most four times a second, cut to the terminal's width (read at every
/// draw, so a resized window never leaves a trail of wrapped lines); `finish` clears it. Elsewhere (a Slurm log, a
/// file) it is a plain line every `interval` seconds — a heartbeat that a log keeps readably.
public final class ProgressReporter {
    public enum Style: Sendable, Equatable {
        /// One redrawn line on a terminal.
        case terminal
        /// A line every so many seconds.
        case heartbeat(seconds: Double)
    }

    private let totalCompressedBytes: Int?
    private let totalFiles: Int
    private let style: Style
    private let started = Clock.now
    private var lastDraw: UInt64 = 0
    private var drawn = false

    /// `totalCompressedBytes` is nil when it is unknown (standard input): then there is no percent or ETA.
    public init(totalFiles: Int, totalCompressedBytes: Int?, style: Style = .terminal) {
        self.totalFiles = totalFiles
        self.totalCompressedBytes = totalCompressedBytes
        self.style = style
    }

    /// Whether stderr is a terminal (the default for showing progress).
    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    func update(filesDone: Int, compressedBytes: Int, summary: RunSummary) {
        let now = Clock.now
        let interval: UInt64 =
            switch style {
            case .terminal: 250_000_000
            case .heartbeat(let seconds): UInt64(seconds * 1e9)
            }
        if lastDraw == 0 { lastDraw = started }
        guard now - lastDraw >= interval else { return }
        lastDraw = now
        let line = Self.line(
            elapsed: Clock.seconds(since: started), filesDone: filesDone, totalFiles: totalFiles,
            compressedBytes: compressedBytes, totalCompressedBytes: totalCompressedBytes, summary: summary)
        switch style {
        case .terminal:
            draw("\r\u{1B}[2K" + Self.fitted(line, columns: Self.terminalColumns()))
            drawn = true
        case .heartbeat:
            draw("winnow: " + line + "\n")
        }
    }

    func finish() {
        if drawn { draw("\r\u{1B}[2K") }
        drawn = false
    }

    /// The progress line's text.
    static func line(
        elapsed: Double, filesDone: Int, totalFiles: Int, compressedBytes: Int, totalCompressedBytes: Int?,
        summary: RunSummary
    ) -> String {
        var parts = [clock(elapsed)]
        if let total = totalCompressedBytes, total > 0 {
            parts.append("\(min(100, compressedBytes * 100 / total))%")
            if compressedBytes > 0, total > compressedBytes {
                parts.append(
                    "ETA " + clock(Double(total - compressedBytes) / (Double(compressedBytes) / max(elapsed, 1e-6))))
            }
        }
        parts.append("\(filesDone)/\(totalFiles) inputs")
        parts.append(
            "\(summary.read) docs: \(summary.writtenDocuments) kept, \(summary.dropped) dropped, \(summary.rejected) rejected"
        )
        parts.append(
            String(format: "%.1f MB/s of input (as stored)", Double(compressedBytes) / max(elapsed, 1e-6) / 1e6))
        return parts.joined(separator: " · ")
    }

    /// `line` cut to fit in `columns` (one column kept free, so the cursor never wraps), with `…` when cut.
    static func fitted(_ line: String, columns: Int) -> String {
        let room = max(columns - 1, 1)
        guard line.count > room else { return line }
        return String(line.prefix(room - 1)) + "…"
    }

    /// The terminal's width in columns (80 when stderr is not a terminal or does not say).
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private func draw(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return total >= 3600
            ? "\(total / 3600):\(two(total % 3600 / 60)):\(two(total % 60))" : "\(total / 60):\(two(total % 60))"
    }
}
