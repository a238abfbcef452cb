/// Moves batches through the phases: parallel phases go back to the task group; ordered phases run here, on the
/// run's task, strictly in batch order.
struct Scheduler {
    let phases: [Phase]
    var orderedStages: [Int: any OrderedStage] = [:]
    var waiting: [Int: [Int: WorkBatch]] = [:]
    var nextSequence: [Int: Int] = [:]
    let rejectsLayout: RecordLayout?
    /// Save each ordered stage's state after an input's last batch (`--resume`).
    var checkpoints = false

    init(phases: [Phase], steps: [PipelineStep], rejectsLayout: RecordLayout?) {
        self.phases = phases
        self.rejectsLayout = rejectsLayout
        for phase in phases {
            if case .ordered(let index) = phase, case .ordered(_, let make) = steps[index] {
                orderedStages[index] = make()
            }
        }
    }

    /// Starts every ordered stage, in pipeline order.
    mutating func start() throws {
        for index in orderedStages.keys.sorted() { try orderedStages[index]!.start() }
    }

    /// Gives ordered stages the states a resumed run saved, by step index.
    mutating func restore(_ states: [Int: [UInt8]]) throws {
        for (index, state) in states.sorted(by: { $0.key < $1.key }) {
            guard orderedStages[index] != nil else {
                throw ResumeError("a saved state names step \(index), which is not an ordered stage")
            }
            try orderedStages[index]!.restore(state)
        }
    }

    /// Finishes every ordered stage, in pipeline order.
    mutating func finish() throws {
        for index in orderedStages.keys.sorted() { try orderedStages[index]!.finish() }
    }

    /// Takes a batch that finished a parallel phase; returns the batches that now need a parallel phase, or are done
    /// (`phase == phases.count`).
    mutating func advance(_ batch: WorkBatch) -> [WorkBatch] {
        var ready: [WorkBatch] = []
        var pending = [batch]
        while let batch = pending.popLast() {
            guard batch.phase < phases.count, case .ordered(let index) = phases[batch.phase] else {
                ready.append(batch)
                continue
            }
            let phase = batch.phase
            waiting[phase, default: [:]][batch.sequence] = batch
            while var next = waiting[phase]?.removeValue(forKey: nextSequence[phase, default: 0]) {
                nextSequence[phase, default: 0] += 1
                runOrdered(index, on: &next)
                next.phase += 1
                pending.append(next)
            }
        }
        return ready
    }

    private mutating func runOrdered(_ index: Int, on batch: inout WorkBatch) {
        // Taken out of the dictionary while it runs, so its state (a dedup index of hundreds of MB) has one owner and
        // is changed in place rather than copied on write for every batch.
        guard var stage = orderedStages.removeValue(forKey: index) else { return }
        // Its own statement: `type(of: stage)` as an argument keeps a second reference to the existential's box
        // alive while the stage runs, so the first write copied the whole state, once a batch (a one-pass
        // repeated-lines table of 250 MB made that stage 70 s of a 1 M-document run; now 6 s).
        let name = type(of: stage).name
        let started = Clock.threadCPU
        var counters = batch.counters[index]
        batch.documents = BatchWorker.apply(
            stageNamed: name, to: batch.documents, counters: &counters,
            rejects: &batch.rejects, rejectsLayout: rejectsLayout
        ) { try stage.process(&$0) }
        counters.seconds += Clock.cpuSeconds(since: started)
        if checkpoints && batch.completedInput != nil, let state = stage.checkpoint() { batch.states[index] = state }
        orderedStages[index] = stage
        batch.counters[index] = counters
    }
}
