import ArgumentParser
import Winnow

/// `winnow report STATS -o report.html`: a self-contained HTML page of a run's stats.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Writes a self-contained HTML report (inline SVG charts) of a stats file.",
        discussion:
            "Totals, language distribution, document and sentence lengths, language scores, drop reasons and throughput per stage, and histograms of the stats fields. Nothing is loaded from the network."
    )

    @Argument(help: "A stats file from winnow run --stats or winnow stats merge.")
    var stats: String

    @Option(name: .shortAndLong, help: "The HTML file to write.")
    var output: String

    @Option(help: "The page's title.")
    var title = "Winnow corpus report"

    func run() async throws {
        do {
            let summary = try RunSummary.load(path: stats)
            let file = try OutputFile(path: output)
            try file.write(Array(ReportPage.html(summary, title: title).utf8))
            try file.commit()
        } catch let error as StatsFileError {
            printError("winnow: \(error.message)")
            throw ExitCode(1)
        }
    }
}
