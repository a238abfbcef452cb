import Foundation

/// How many rejected records a run may have and still keep its outputs (`winnow run --strict`, `--max-reject-ratio`).
public struct RejectPolicy: Sendable {
    /// Any rejected record fails the run.
    public var strict: Bool
    /// More than this share of the records read rejected fails the run (nil: no limit).
    public var maximumRatio: Double?

    public init(strict: Bool = false, maximumRatio: Double? = nil) {
        self.strict = strict
        self.maximumRatio = maximumRatio
    }

    /// Why `summary`'s rejects fail the run, as a line for the user (nil: they do not).
    public func violation(in summary: RunSummary) -> String? {
        let ratio = summary.read > 0 ? Double(summary.rejected) / Double(summary.read) : 0
        if let maximumRatio, ratio > maximumRatio {
            let percent = String(format: "%.2f", 100 * ratio)
            return
                "--max-reject-ratio \(maximumRatio): \(summary.rejected) of \(summary.read) records (\(percent)%) were rejected; no output was kept"
        }
        if strict && summary.rejected > 0 {
            return "--strict: \(summary.rejected) records were rejected; no output was kept"
        }
        return nil
    }
}

extension Runner {
    /// A whole run as `winnow run` makes it: the run over the inputs still to do (`inputs` are all of them; those a
    /// `--resume` directory has finished are skipped), then the finished parts assembled into the outputs, then the
    /// outputs committed — or abandoned, when the run failed, was interrupted (a signal after the last batch counts)
    /// or rejected more than `policy` allows, so that a failed run never leaves a partial output.
    ///
    /// `annotate` adds what the passes before the run found to the summary. Returns the summary and, when the
    /// rejects failed the run, why.
    public func runAndCommit(
        inputs: [InputFile], to destinations: Destinations, policy: RejectPolicy,
        annotate: (inout RunSummary) -> Void
    ) async -> (summary: RunSummary, rejectsViolation: String?) {
        let resume = destinations.resume
        var summary = await run(inputs: Array(inputs.dropFirst(resume?.finishedInputs ?? 0)), to: destinations)
        if let resume, let output = destinations.output, summary.failure == nil, !summary.interrupted {
            // Every input is done: the output is the parts in input order, the summary theirs merged.
            do {
                var assembled = try resume.assemble(
                    inputs: inputs.count, stageNames: summary.stages.map(\.name), into: output,
                    rejects: destinations.rejects)
                assembled.wallSeconds = summary.wallSeconds
                summary = assembled
            } catch {
                summary.failure = "\(error)"
            }
        }
        if destinations.cancellation.isSet && summary.failure == nil { summary.interrupted = true }
        annotate(&summary)
        let violation = policy.violation(in: summary)
        let files = [destinations.output, destinations.rejects].compactMap { $0 }
        if summary.interrupted || summary.failure != nil || violation != nil {
            files.forEach { $0.abandon() }
        } else {
            do {
                for file in files { try file.commit() }
            } catch {
                summary.failure = "\(error)"
                files.forEach { $0.abandon() }
            }
        }
        return (summary, violation)
    }
}
