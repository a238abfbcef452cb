import ArgumentParser
import Foundation
import Winnow

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measures a pipeline's throughput: per stage and end to end, on 1 job and on N.",
        discussion: """
            Runs the whole pipeline (output encoded, then discarded) --runs times for --jobs 1 and for --jobs N and reports \
            the run with the median wall time: per stage documents/s, MB/s of text per core and share of time; end to end \
            MB/s of compressed input, MB/s of text and documents/s; and the process's peak memory (RSS). A run's time includes \
            the passes it makes over the inputs first (clean's two-pass repeated_lines, dedup's keep: longest).
            """
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Argument(help: "Input files or directories (not stdin: each run reads them again).")
    var inputs: [String] = []

    @Option(help: "Runs per job count; the median is reported.")
    var runs = 3

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var tuning: RunTuning

    func validate() throws {
        if inputs.contains("-") {
            throw ValidationError("bench reads its inputs several times, so it cannot read stdin")
        }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
    }

    func run() async throws {
        let loaded = try loadPipeline(pipeline)
        let inputFiles = try resolveInputs(inputs, pipeline: loaded, pipelinePath: pipeline).files
        do { try ClusterPhases.checkPasses(loaded, inputs: inputFiles) } catch {
            printError("winnow: \(error)")
            throw ExitCode(2)
        }
        let trap = SignalTrap()
        let maximumJobs = min(tuning.jobs ?? Runner.defaultJobs, RunTuning.maximumJobs)
        var results: [Measurement] = []
        for jobs in Array(Set([1, maximumJobs])).sorted() {
            var options = tuning.runnerOptions()
            options.jobs = jobs
            options.discardOutput = true
            var measured: [Measurement] = []
            for _ in 0..<runs {
                // The passes a run makes first (two-pass repeated_lines, keep: longest) are part of its time.
                let started = Date()
                let prepared: ClusterPhases.PreparedRun
                do { prepared = try await ClusterPhases.prepare(loaded, inputs: inputFiles, options: options) } catch {
                    printError("winnow: \(error)")
                    throw ExitCode(1)
                }
                let passSeconds = Date().timeIntervalSince(started)
                var summary = await Runner(pipeline: prepared.pipeline, options: options)
                    .run(inputs: inputFiles, to: .init(output: nil, cancellation: trap.flag))
                if let directory = prepared.workDirectory { try? FileManager.default.removeItem(atPath: directory) }
                summary.wallSeconds += passSeconds
                if summary.interrupted { throw ExitCode(trap.interruptedExitCode) }
                if let failure = summary.failure {
                    printError("winnow: \(failure)")
                    throw ExitCode(1)
                }
                measured.append(Measurement(jobs: jobs, summary: summary, passSeconds: passSeconds))
            }
            measured.sort { $0.summary.wallSeconds < $1.summary.wallSeconds }
            results.append(measured[measured.count / 2])
        }
        let peak = RunSummary.processPeakResidentBytes()
        if json {
            var writer = JSONWriter()
            writer.write(report(results, peak: peak))
            print(String(decoding: writer.bytes, as: UTF8.self))
        } else {
            print(table(results, peak: peak), terminator: "")
        }
    }

    /// One timed run: its summary (the wall time includes the passes before it) and the passes' wall time.
    struct Measurement {
        var jobs: Int
        var summary: RunSummary
        var passSeconds: Double
    }

    private func report(_ results: [Measurement], peak: Int) -> JSONValue {
        .object([
            "pipeline": .string(pipeline),
            "runs": .int(runs),
            "peak_rss_bytes": .int(peak),
            "results": .array(
                results.map { result in
                    let summary = result.summary
                    let total = summary.stages.reduce(0) { $0 + $1.seconds }
                    return .object([
                        "jobs": .int(result.jobs),
                        "seconds": .double(summary.wallSeconds),
                        "pass_seconds": .double(result.passSeconds),
                        "documents": .int(summary.read),
                        "compressed_mb_per_s": .double(Double(summary.compressedBytes) / summary.wallSeconds / 1e6),
                        "text_mb_per_s": .double(Double(summary.textBytes) / summary.wallSeconds / 1e6),
                        "documents_per_s": .double(Double(summary.read) / summary.wallSeconds),
                        "stages": .array(
                            summary.stages.map { stage in
                                .object([
                                    "name": .string(stage.name),
                                    "documents_per_s": .double(Double(stage.documentsIn) / max(stage.seconds, 1e-9)),
                                    "text_mb_per_s": .double(Double(stage.textBytes) / max(stage.seconds, 1e-9) / 1e6),
                                    "share": .double(stage.seconds / max(total, 1e-9)),
                                    "seconds": .double(stage.seconds),
                                ])
                            }),
                    ])
                }),
        ])
    }

    private func table(_ results: [Measurement], peak: Int) -> String {
        var text = ""
        for result in results {
            let (jobs, summary) = (result.jobs, result.summary)
            let wall = max(summary.wallSeconds, 1e-9)
            let passes =
                result.passSeconds >= 0.001
                ? String(format: " (%.3f s of it the passes before the run)", result.passSeconds) : ""
            text += String(
                format:
                    "jobs %d: %.3f s%@ · %.1f MB/s compressed · %.1f MB/s text · %.0f docs/s (%d docs, %@ MB text; median of %d)\n",
                jobs, summary.wallSeconds, passes, Double(summary.compressedBytes) / wall / 1e6,
                Double(summary.textBytes) / wall / 1e6, Double(summary.read) / wall, summary.read,
                String(format: "%.1f", Double(summary.textBytes) / 1e6), runs)
            let total = summary.stages.reduce(0) { $0 + $1.seconds }
            // Columns as wide as their longest cell, so long stage names (`repeated_lines`) keep the table aligned.
            var rows = [["stage", "docs/s", "MB/s/core", "share"]]
            for stage in summary.stages {
                let seconds = max(stage.seconds, 1e-9)
                rows.append([
                    stage.name, String(format: "%.0f", Double(stage.documentsIn) / seconds),
                    String(format: "%.1f", Double(stage.textBytes) / seconds / 1e6),
                    String(format: "%.1f%%", 100 * stage.seconds / max(total, 1e-9)),
                ])
            }
            let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, cell in
                    let pad = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 0 ? cell + pad : pad + cell
                }
                text += "  " + cells.joined(separator: "  ") + "\n"
            }
        }
        text += String(format: "peak RSS: %.1f MB\n", Double(peak) / 1e6)
        return text
    }
}
