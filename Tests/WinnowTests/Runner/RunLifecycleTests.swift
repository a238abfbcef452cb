import Testing
@testable import Winnow

/// What decides whether a finished run keeps its outputs (the end-to-end tests run it through `winnow run`).
struct RunLifecycleTests {
    static func summary(read: Int, rejected: Int) -> RunSummary {
        var summary = RunSummary(stageNames: ["decode", "clean"])
        summary.stages[0].documentsIn = read
        summary.stages[0].rejected = rejected
        return summary
    }

    @Test func rejectsFailARunOnlyPastThePolicy() {
        let some = Self.summary(read: 200, rejected: 3)
        #expect(RejectPolicy().violation(in: some) == nil, "by default rejects never fail a run")
        #expect(
            RejectPolicy(strict: true).violation(in: some) == "--strict: 3 records were rejected; no output was kept")
        #expect(RejectPolicy(strict: true).violation(in: Self.summary(read: 200, rejected: 0)) == nil)
        #expect(RejectPolicy(maximumRatio: 0.02).violation(in: some) == nil, "1.5% is within 2%")
        #expect(
            RejectPolicy(maximumRatio: 0.01).violation(in: some)
                == "--max-reject-ratio 0.01: 3 of 200 records (1.50%) were rejected; no output was kept")
        #expect(RejectPolicy(maximumRatio: 0).violation(in: Self.summary(read: 0, rejected: 0)) == nil, "nothing read")
        // Both set: the ratio is reported first, as the one with the figures.
        #expect(
            RejectPolicy(strict: true, maximumRatio: 0.01).violation(in: some)?.hasPrefix("--max-reject-ratio") == true)
    }
}
