import Foundation

/// `winnow report`: one self-contained HTML page (inline CSS and SVG, no scripts, fonts or images from anywhere)
/// that shows a run's stats file: totals, the language distribution, document- and sentence-length histograms, the
/// language-score histogram, drop reasons per stage, throughput per stage and the `stats` fields' histograms.
public enum ReportPage {
    /// The page for a summary written by `winnow run --stats` (or `winnow stats merge`).
    public static func html(_ summary: RunSummary, title: String = "Winnow corpus report") -> String {
        var body = ""
        let corpus = summary.corpus
        body += "<header><h1>\(escape(title))</h1><p>\(escape(statusLine(summary)))</p></header>\n"
        body += totals(summary)
        if let corpus {
            let languages = corpus.languages.sorted {
                $0.value.documents != $1.value.documents ? $0.value.documents > $1.value.documents : $0.key < $1.key
            }
            var bars = languages.prefix(24).map { (label: $0.key, value: Double($0.value.documents)) }
            let rest = languages.dropFirst(24).reduce(0) { $0 + $1.value.documents }
            if rest > 0 { bars.append(("\(languages.count - 24) others", Double(rest))) }
            body += section(
                "Languages",
                "Documents per language (the <code>language</code> field), with their share of the written documents.",
                horizontalBars(bars, total: Double(corpus.totals.documents), format: { Self.integer(Int($0)) }))
            for (name, title, note) in [
                ("document_words", "Document length", "Documents by length in words."),
                ("sentence_words", "Sentence length", "Sentences by length in words."),
                ("language_score", "Language score", "Documents by the probability of their language."),
            ] {
                if let histogram = corpus.histograms[name] { body += section(title, note, columns(histogram)) }
            }
        }
        body += dropReasons(summary)
        body += throughput(summary)
        if let corpus {
            let fields = StatisticField.all.compactMap { field in
                corpus.histograms["stats." + field.name].map { (field, $0) }
            }
            if !fields.isEmpty {
                let charts = fields.map { field, histogram in
                    "<figure><figcaption><code>\(escape(field.name))</code> — \(escape(field.help))</figcaption>\(columns(histogram, small: true))</figure>"
                }.joined(separator: "\n")
                body += section(
                    "Text statistics", "Histograms of the <code>stats</code> fields of the written documents.",
                    "<div class=\"charts\">\(charts)</div>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body)<footer>Made by <code>winnow report</code> from a stats file of <code>winnow run --stats</code>.</footer>
            </body>
            </html>

            """
    }

    // MARK: - Sections

    static func statusLine(_ summary: RunSummary) -> String {
        let status = summary.interrupted ? "interrupted" : (summary.failure != nil ? "failed" : "complete")
        return
            "Run \(status): \(summary.filesDone) of \(summary.filesTotal) inputs, \(RunSummary.size(summary.compressedBytes)) read, "
            + "\(RunSummary.size(summary.textBytes)) of text, \(String(format: "%.2f", summary.wallSeconds)) s."
    }

    static func totals(_ summary: RunSummary) -> String {
        var cards: [(String, String)] = [
            ("read", integer(summary.read)), ("written", integer(summary.writtenDocuments)),
            ("dropped", integer(summary.dropped)), ("rejected", integer(summary.rejected)),
        ]
        if let corpus = summary.corpus {
            cards += [
                ("words", integer(corpus.totals.words)), ("characters", integer(corpus.totals.chars)),
                ("languages", integer(corpus.languages.count)),
            ]
        }
        cards.append(("text", RunSummary.size(summary.textBytes)))
        let html = cards.map {
            "<div class=\"card\"><div class=\"value\">\(escape($0.1))</div><div class=\"label\">\(escape($0.0))</div></div>"
        }
        return "<section><h2>Totals</h2><div class=\"cards\">\(html.joined())</div></section>\n"
    }

    static func dropReasons(_ summary: RunSummary) -> String {
        let rows =
            summary.stages.flatMap { stage in
                stage.dropped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                    (label: "\(stage.name): \($0.key)", value: Double($0.value))
                }
            }
            + summary.stages.filter { $0.rejected > 0 }.map {
                (label: "\($0.name): rejected (errors)", value: Double($0.rejected))
            }
        guard !rows.isEmpty else {
            return section(
                "Drop reasons", "Documents each stage dropped, by reason.",
                "<p class=\"empty\">No document was dropped or rejected.</p>")
        }
        return section(
            "Drop reasons",
            "Documents each stage dropped, by reason, and records rejected with errors; shares are of the documents read.",
            horizontalBars(rows, total: Double(max(summary.read, 1)), format: { Self.integer(Int($0)) }))
    }

    static func throughput(_ summary: RunSummary) -> String {
        let rows = summary.stages.filter { $0.seconds > 0 && $0.textBytes > 0 }.map { stage in
            (label: stage.name, value: Double(stage.textBytes) / stage.seconds / 1e6)
        }
        guard !rows.isEmpty else { return "" }
        return section(
            "Throughput per stage", "MB of text per second of CPU time spent in the stage (summed over workers).",
            horizontalBars(rows, total: nil, format: { String(format: "%.1f MB/s", $0) }))
    }

    static func section(_ title: String, _ note: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"note\">\(note)</p>\(content)</section>\n"
    }

    // MARK: - Charts

    /// Labelled horizontal bars, longest first as given; with `total`, each bar also shows its share.
    static func horizontalBars(
        _ rows: [(label: String, value: Double)], total: Double?, format: (Double) -> String
    ) -> String {
        let rowHeight = 26.0, labelWidth = 330.0, barWidth = 420.0, width = 900.0
        let maximum = max(rows.map(\.value).max() ?? 1, 1e-9)
        var svg =
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(Double(rows.count) * rowHeight + 8))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight + 4
            let length = max(row.value / maximum * barWidth, row.value > 0 ? 2 : 0)
            var text = format(row.value)
            if let total, total > 0 { text += String(format: "  (%.1f%%)", row.value / total * 100) }
            svg +=
                "<text x=\"\(Int(labelWidth - 10))\" y=\"\(number(y + 17))\" text-anchor=\"end\" class=\"label\">\(escape(truncate(row.label, 48)))</text>"
            svg +=
                "<rect x=\"\(Int(labelWidth))\" y=\"\(number(y + 3))\" width=\"\(number(length))\" height=\"\(number(rowHeight - 8))\" rx=\"3\" class=\"bar\"/>"
            svg +=
                "<text x=\"\(number(labelWidth + length + 8))\" y=\"\(number(y + 17))\" class=\"value\">\(escape(text))</text>"
        }
        return svg + "</svg>"
    }

    /// A histogram as vertical columns with the bins' lower edges underneath.
    static func columns(_ histogram: Histogram, small: Bool = false) -> String {
        let width = small ? 420.0 : 900.0, height = small ? 170.0 : 260.0
        let left = 56.0, bottom = 42.0, top = 14.0
        let plotWidth = width - left - 10, plotHeight = height - bottom - top
        let maximum = Double(max(histogram.counts.max() ?? 1, 1))
        let slot = plotWidth / Double(histogram.counts.count)
        var svg =
            "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            svg +=
                "<line x1=\"\(Int(left))\" x2=\"\(Int(width - 10))\" y1=\"\(number(y))\" y2=\"\(number(y))\" class=\"grid\"/>"
            svg +=
                "<text x=\"\(Int(left - 6))\" y=\"\(number(y + 4))\" text-anchor=\"end\" class=\"axis\">\(escape(integer(Int((maximum * fraction).rounded()))))</text>"
        }
        let labelEvery = max(1, Int((Double(histogram.counts.count) * (small ? 34 : 48) / plotWidth).rounded(.up)))
        for (index, count) in histogram.counts.enumerated() {
            let x = left + Double(index) * slot
            let barHeight = Double(count) / maximum * plotHeight
            svg +=
                "<rect x=\"\(number(x + slot * 0.1))\" y=\"\(number(top + plotHeight - barHeight))\" width=\"\(number(slot * 0.8))\" height=\"\(number(barHeight))\" class=\"bar\"><title>\(escape(binLabel(histogram, index))): \(count)</title></rect>"
            if index % labelEvery == 0 {
                svg +=
                    "<text x=\"\(number(x + slot / 2))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\" class=\"axis\">\(escape(compact(histogram.edges[index])))</text>"
            }
        }
        let total = histogram.counts.reduce(0, +)
        svg +=
            "<text x=\"\(number(width - 10))\" y=\"\(number(height - 6))\" text-anchor=\"end\" class=\"axis\">bins from the value shown · \(integer(total)) counted</text>"
        return svg + "</svg>"
    }

    static func binLabel(_ histogram: Histogram, _ index: Int) -> String {
        index + 1 < histogram.edges.count
            ? "\(compact(histogram.edges[index]))–\(compact(histogram.edges[index + 1]))"
            : "≥ \(compact(histogram.edges[index]))"
    }

    // MARK: - Formatting

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func integer(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// 1200 → 1.2k, 0.35 → 0.35.
    static func compact(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%gM", value / 1_000_000) }
        if value >= 1_000 { return String(format: "%gk", value / 1_000) }
        return String(format: "%g", (value * 100).rounded() / 100)
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func truncate(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0 auto;max-width:980px;padding:24px 28px;color:#1d2430;background:#fafbfc}
        header h1{margin:0 0 4px;font-size:26px}header p{margin:0;color:#5b6472}
        section{background:#fff;border:1px solid #e3e7ed;border-radius:8px;padding:16px 20px;margin:18px 0}
        h2{font-size:18px;margin:0 0 4px}.note{color:#5b6472;margin:0 0 12px;font-size:13px}
        .cards{display:flex;flex-wrap:wrap;gap:10px}.card{flex:1 1 110px;border:1px solid #e3e7ed;border-radius:6px;padding:10px 12px;background:#f6f8fb}
        .card .value{font-size:20px;font-weight:600}.card .label{color:#5b6472;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .chart{display:block;font-size:12px}.chart .bar{fill:#3b6fd8}.chart .label{fill:#1d2430}.chart .value{fill:#5b6472}
        .chart .axis{fill:#6b7480;font-size:11px}.chart .grid{stroke:#e3e7ed;stroke-width:1}
        .charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:14px}figure{margin:0}figcaption{font-size:12px;color:#5b6472;margin-bottom:4px}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}.empty{color:#5b6472}
        footer{color:#8a929e;font-size:12px;margin:24px 0}
        """
}
