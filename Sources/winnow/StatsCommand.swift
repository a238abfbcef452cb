import ArgumentParser
import Winnow

/// `winnow stats`: works on stats files written by `winnow run --stats`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Works on stats files (winnow run --stats).",
        subcommands: [Merge.self]
    )

    /// `winnow stats merge A.json B.json -o ALL.json`: the stats of shards run separately, as one run over all.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Merges stats files of runs of the same pipeline (shards) into one, as if one run had read every input.",
            discussion:
                "Counts, bytes, seconds, drop reasons, per-language totals and histograms add up; the runs must have the same stages."
        )

        @Argument(help: "Stats files to merge.")
        var files: [String]

        @Option(name: .shortAndLong, help: "Where to write the merged stats (default: stdout).")
        var output: String?

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one stats file") }
        }

        func run() async throws {
            do {
                var merged = try RunSummary.load(path: files[0])
                for file in files.dropFirst() {
                    do {
                        try merged.merge(try RunSummary.load(path: file))
                    } catch {
                        throw StatsFileError("\(file): \(error.message)")
                    }
                }
                if let output {
                    try merged.write(to: output)
                } else {
                    var writer = JSONWriter()
                    writer.write(merged.json)
                    print(String(decoding: writer.bytes, as: UTF8.self))
                }
            } catch let error as StatsFileError {
                printError("winnow: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}
