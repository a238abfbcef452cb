import Testing
@testable import Winnow

/// The scheduler alone: an ordered stage sees batches strictly in sequence order whatever order they finish the
/// parallel phase in, its verdicts are counted, and its state is saved at an input's end.
struct SchedulerTests {
    /// What the ordered stage saw, shared with the test (the stage itself is made by the scheduler).
    final class Log: @unchecked Sendable { var seen: [String] = [] }

    /// Keeps every document but those whose id starts with "drop", fails those starting with "fail", and counts.
    struct Recorder: OrderedStage {
        static let name = "recorder"
        let log: Log
        var count = 0
        mutating func process(_ document: inout Document) throws -> Verdict {
            log.seen.append(document.id)
            count += 1
            if document.id.hasPrefix("fail") { throw PipelineError(file: "-", line: nil, column: nil, message: "no") }
            return document.id.hasPrefix("drop") ? .drop(reason: "dropped") : .keep
        }
        func checkpoint() -> [UInt8]? { [UInt8(count)] }
    }

    struct Pass: DocumentStage {
        static let name = "pass"
        func process(_ document: inout Document) -> Verdict { .keep }
    }

    static func batch(_ sequence: Int, _ ids: [String], steps: [PipelineStep]) -> WorkBatch {
        var batch = WorkBatch(
            sequence: sequence, phase: 1,
            counters: steps.map { StageCounters(name: $0.name) } + [StageCounters(name: "output")])
        batch.documents = ids.enumerated().map {
            Document(id: $1, text: $1, source: SourceLocation(file: "in", line: 1), ordinal: sequence * 10 + $0)
        }
        return batch
    }

    @Test func orderedStagesSeeBatchesInSequenceOrder() throws {
        let log = Log()
        let steps: [PipelineStep] = [.document(Pass()), .ordered(name: Recorder.name) { Recorder(log: log) }]
        let phases = Phase.plan(steps)
        #expect(phases.count == 3, "parallel, ordered, parallel that encodes")
        var scheduler = Scheduler(phases: phases, steps: steps, rejectsLayout: RecordLayout())
        scheduler.checkpoints = true
        try scheduler.start()
        var done: [Int] = []
        for sequence in [2, 0, 3, 1] {
            var batch = Self.batch(sequence, ["a\(sequence)", "drop\(sequence)", "fail\(sequence)"], steps: steps)
            if sequence == 3 { batch.completedInput = (index: 0, nextOrdinal: 40) }
            let ready = scheduler.advance(batch)
            #expect(ready.allSatisfy { $0.phase == 2 }, "each comes out for the last phase")
            for batch in ready {
                #expect(batch.documents.map(\.id) == ["a\(batch.sequence)"])
                #expect(
                    batch.counters[1].kept == 1 && batch.counters[1].dropped == ["dropped": 1]
                        && batch.counters[1].rejected == 1)
                #expect(batch.rejects.count == 2, "the dropped and the failed document go to the rejects")
                #expect(
                    batch.states[1] == (batch.sequence == 3 ? [12] : nil),
                    "state saved after an input's last batch only")
            }
            done += ready.map(\.sequence)
        }
        #expect(done.sorted() == [0, 1, 2, 3], "all come out (the writer puts them in order)")
        #expect(log.seen == (0..<4).flatMap { ["a\($0)", "drop\($0)", "fail\($0)"] })
        try scheduler.finish()
    }

    @Test func batchesPastTheOrderedPhasesPassStraightThrough() {
        let steps: [PipelineStep] = [.document(Pass())]
        var scheduler = Scheduler(phases: Phase.plan(steps), steps: steps, rejectsLayout: nil)
        var batch = Self.batch(5, ["x"], steps: steps)
        batch.phase = 1
        #expect(scheduler.advance(batch).map(\.sequence) == [5], "no ordered stage: nothing waits for batch 0")
    }
}
