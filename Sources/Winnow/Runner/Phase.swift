/// A step of the run: per-document stages in parallel, or one ordered stage on the run's task.
enum Phase: Sendable {
    /// Indices into the pipeline's steps, run in a child task; `encodes` marks the last phase.
    case parallel(steps: [Int], encodes: Bool)
    case ordered(step: Int)

    /// Cuts the steps into phases: runs of per-document stages between ordered stages, and a parallel phase at the end
    /// that encodes the output (so encoding and compression always run on all jobs).
    static func plan(_ steps: [PipelineStep]) -> [Phase] {
        var phases: [Phase] = []
        var run: [Int] = []
        for (index, step) in steps.enumerated() {
            if case .ordered = step {
                phases.append(.parallel(steps: run, encodes: false))
                phases.append(.ordered(step: index))
                run = []
            } else {
                run.append(index)
            }
        }
        phases.append(.parallel(steps: run, encodes: true))
        return phases
    }
}
