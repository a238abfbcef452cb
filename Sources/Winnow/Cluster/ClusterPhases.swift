import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the phases of a `ClusterPlan`: one task of one phase at a time, as an array task of Slurm or a Ray task
/// calls it through `winnow map|buckets|clusters|reduce --work DIR --task N`.
public enum ClusterPhases {
    /// Checks that the pipeline can run in phases, writes `plan.json` and a copy of the pipeline into the work
    /// directory, and returns the plan.
    public static func makePlan(
        pipelinePath: String, inputs: [InputFile], shards: Int, buckets: Int, workDirectory: String
    ) throws -> ClusterPlan {
        let plan = try checkedPlan(
            pipelinePath: pipelinePath, inputs: inputs, shards: shards, buckets: buckets, workDirectory: workDirectory)
        let pipelineText = try FileSource.contents(of: pipelinePath)
        if access(plan.path("plan.json"), F_OK) == 0 {
            // A rerun with the same plan resumes it (finished tasks are skipped); another plan would mix two runs' files.
            let existing = try ClusterPlan.load(workDirectory: workDirectory)
            guard existing.inputs.map(\.path) == plan.inputs.map(\.path),
                existing.inputs.map(\.size) == plan.inputs.map(\.size),
                existing.shards == plan.shards, existing.buckets == plan.buckets,
                (try? FileSource.contents(of: plan.copiedPipelinePath)) == pipelineText
            else {
                throw ClusterError(
                    "\(workDirectory) holds a plan for other inputs, shards, buckets or another pipeline text; give a new --work directory or delete it"
                )
            }
            return existing
        }
        try ClusterFiles.write(pipelineText, to: plan.copiedPipelinePath)
        var writer = JSONWriter()
        writer.write(plan.json)
        writer.appendByte(0x0A)
        try ClusterFiles.write(writer.bytes, to: plan.path("plan.json"))
        return plan
    }

    /// The plan, after checking that the pipeline can run in phases; writes nothing.
    public static func checkedPlan(
        pipelinePath: String, inputs: [InputFile], shards: Int, buckets: Int, workDirectory: String
    ) throws -> ClusterPlan {
        let pipeline = try Pipeline.load(path: pipelinePath)
        _ = try dedupSteps(of: pipeline)
        try requireFiles(inputs, "a plan needs files: standard input cannot be read by every phase")
        let phases = ClusterPlan.Phase.allCases.filter {
            twoPassLines(of: pipeline) != nil || ($0 != .countLines && $0 != .mergeLines)
        }
        return ClusterPlan(
            workDirectory: workDirectory, pipelinePath: pipelinePath, inputs: inputs, shards: shards, buckets: buckets,
            phases: phases)
    }

    /// clean's `repeated_lines` when it counts in two passes: its step and settings. The first such step only (a
    /// later one counts in one pass), and only when it comes before dedup's look-up (with dedup first, which
    /// documents are counted depends on dedup's decisions, so it counts in one pass).
    static func twoPassLines(of pipeline: Pipeline) -> (index: Int, stage: RepeatedLines)? {
        for (index, step) in pipeline.steps.enumerated() {
            guard case .ordered(let name, let make) = step else { continue }
            if name == DedupLookup.name { return nil }
            if name == RepeatedLines.name, let stage = make() as? RepeatedLines, stage.mode == .twoPass {
                return (index, stage)
            }
        }
        return nil
    }

    /// Where dedup is in a pipeline's steps (its per-document half and its ordered half), nil without dedup; an
    /// error for what the phases cannot reproduce.
    typealias DedupSteps = (signatures: Int, lookup: Int, configuration: DedupStage.Configuration)

    static func dedupSteps(of pipeline: Pipeline) throws -> DedupSteps? {
        let signatureSteps = pipeline.steps.indices.filter {
            if case .document(let stage) = pipeline.steps[$0] { stage is DedupSignatures } else { false }
        }
        guard let first = signatureSteps.first else { return nil }
        guard signatureSteps.count == 1, case .document(let stage) = pipeline.steps[first],
            let signatures = stage as? DedupSignatures,
            let lookup = pipeline.steps.indices.first(where: {
                $0 > first && pipeline.steps[$0].name == DedupLookup.name
            })
        else {
            throw ClusterError("a plan runs one dedup stage; this pipeline has \(signatureSteps.count)")
        }
        let configuration = signatures.configuration
        if configuration.verify == .exact {
            throw ClusterError(
                "dedup's verify: exact needs every shingle set in one process; phases verify with the sketches (verify: estimate)"
            )
        }
        if configuration.paragraphs {
            throw ClusterError(
                "dedup's paragraphs: true removes lines seen anywhere before, which the phases do not reproduce; drop it for a plan"
            )
        }
        if !configuration.indexPath.isEmpty {
            throw ClusterError(
                "dedup's index: file is one process's index; a plan keeps its keys in the work directory instead")
        }
        return (first, lookup, configuration)
    }

    /// Runs task `task` of `phase` unless it is done; returns a line for the log.
    public static func run(
        _ phase: ClusterPlan.Phase, task: Int, plan: ClusterPlan, options: Runner.Options
    ) async throws -> String {
        guard (0..<plan.tasks(of: phase)).contains(task) else {
            throw ClusterError("\(phase.rawValue) has tasks 0–\(plan.tasks(of: phase) - 1); got \(task)")
        }
        if plan.isDone(phase, task) { return "\(phase.rawValue) \(task): already done (\(plan.marker(phase, task)))" }
        return try await run(
            phase, task: task, plan: plan, pipeline: try Pipeline.load(path: plan.copiedPipelinePath), options: options)
    }

    private static func run(
        _ phase: ClusterPlan.Phase, task: Int, plan: ClusterPlan, pipeline: Pipeline, options: Runner.Options
    ) async throws -> String {
        guard plan.phases.contains(phase) else {
            throw ClusterError(
                "this plan has no \(phase.rawValue) phase (its phases: \(plan.phases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let line: String
        switch phase {
        case .countLines: line = try await countLines(task, plan, pipeline, options)
        case .mergeLines: line = try mergeLines(task, plan, pipeline)
        case .map: line = try await map(task, plan, pipeline, try dedupSteps(of: pipeline), options)
        case .buckets: line = try buckets(task, plan, try dedupSteps(of: pipeline)?.configuration)
        case .clusters: line = try clusters(plan, keep: try dedupSteps(of: pipeline)?.configuration.keep ?? .first)
        case .reduce: line = try await reduce(task, plan, pipeline, try dedupSteps(of: pipeline), options)
        }
        try ClusterFiles.write(Array((line + "\n").utf8), to: plan.marker(phase, task))
        return line
    }

    /// The count-lines phase: every step before `repeated_lines` (but dedup's signatures, which the counts do not
    /// need) over the shard's inputs, and the counter in its place.
    private static func countLines(
        _ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline, _ options: Runner.Options
    ) async throws -> String {
        guard let lines = twoPassLines(of: pipeline) else {
            return "count-lines \(shard): no repeated_lines counted in two passes, nothing to do"
        }
        try LineCountFiles.removeRuns(of: shard, in: plan)
        var counting = pipeline
        counting.steps =
            pipeline.steps[..<lines.index].filter { step in
                if case .document(let stage) = step { !(stage is DedupSignatures) } else { true }
            } + [
                .ordered(name: RepeatedLines.name) {
                    RepeatedLineCounter(plan: plan, shard: shard, memoryBytes: lines.stage.memoryBytes)
                }
            ]
        let summary = await Runner(pipeline: counting, options: options).run(
            inputs: Array(plan.inputs[plan.shards[shard]]), to: .init(output: nil))
        if let failure = summary.failure { throw ClusterError("count-lines \(shard): \(failure)") }
        return
            "count-lines \(shard): \(summary.read) records, the lines of \(summary.stages.last?.documentsIn ?? 0) documents counted"
    }

    /// The merge-lines phase: bucket `bucket`'s line counts of every shard summed; the repeated keys written.
    private static func mergeLines(_ bucket: Int, _ plan: ClusterPlan, _ pipeline: Pipeline) throws -> String {
        let path = plan.path("repeated/\(bucket).bin")
        guard let lines = twoPassLines(of: pipeline) else {
            try ClusterFiles.write([], to: path)
            return "merge-lines \(bucket): no repeated_lines counted in two passes, nothing to do"
        }
        for shard in plan.shards.indices where !plan.isDone(.countLines, shard) {
            throw ClusterError("\(path): count-lines \(shard) has not finished")
        }
        let (repeated, distinct) = try LineCountFiles.merge(
            bucket: bucket, plan: plan, minimumRepeats: lines.stage.minimumRepeats)
        var writer = LittleEndianWriter()
        for key in repeated { writer.integer(key) }
        try ClusterFiles.write(writer.bytes, to: path)
        return
            "merge-lines \(bucket): \(distinct) distinct lines of sources, \(repeated.count) in at least \(lines.stage.minimumRepeats) documents"
    }

    /// The pipeline whose `repeated_lines` (two passes) removes the lines the merge-lines phase found repeated.
    static func pipelineWithRepeats(_ pipeline: Pipeline, plan: ClusterPlan) throws -> Pipeline {
        guard let lines = twoPassLines(of: pipeline) else { return pipeline }
        for bucket in 0..<plan.buckets where !plan.isDone(.mergeLines, bucket) {
            throw ClusterError("\(plan.path("repeated/\(bucket).bin")): merge-lines \(bucket) has not finished")
        }
        var removing = pipeline
        removing.steps[lines.index] = .document(
            RepeatedLinesRemoval(
                repeated: try LineCountFiles.repeatedSet(plan),
                explain: lines.stage.explain, dropEmpty: lines.stage.dropEmpty))
        return removing
    }

    /// The pipeline with dedup's decisions read from the clusters phase's files in place of its look-up; without
    /// dedup's signatures for a run from the inputs (`winnow run` with `keep: longest`), with them (never run) for
    /// the reduce phase, which enters after them and so keeps the steps, and their counts, of one run.
    private static func pipelineWithDecisions(
        _ pipeline: Pipeline, _ dedup: DedupSteps?, plan: ClusterPlan, shard: Int,
        removingSignatures: Bool
    ) -> Pipeline {
        guard let dedup else { return pipeline }
        var reduced = pipeline
        let mode = dedup.configuration.mode
        reduced.steps[dedup.lookup] = .ordered(name: DedupLookup.name) {
            DedupDecisions(plan: plan, shard: shard, mode: mode)
        }
        if removingSignatures { reduced.steps.remove(at: dedup.signatures) }
        return reduced
    }

    /// The ordered stages other than dedup's and a two-pass `repeated_lines`: each sees the documents of one shard
    /// only in a plan (a one-pass `repeated_lines` counts a source's lines where they are read), so with more than
    /// one shard the output can differ from one run's.
    public static func perShardStages(of pipeline: Pipeline) -> [String] {
        let twoPass = twoPassLines(of: pipeline)?.index
        return pipeline.steps.indices.compactMap { index in
            if case .ordered(let name, _) = pipeline.steps[index], name != DedupLookup.name, index != twoPass {
                name
            } else {
                nil
            }
        }
    }

    private static func requireFiles(_ inputs: [InputFile], _ message: String) throws {
        guard !inputs.contains(where: { $0.path == "-" }) else { throw ClusterError(message) }
    }

    private static let longestNeedsFiles =
        "dedup's keep: longest reads the inputs twice (a first pass finds each cluster's longest document); standard input cannot be read again — give files"

    private static func keepsLongest(_ pipeline: Pipeline) -> Bool {
        pipeline.steps.contains { step in
            if case .document(let stage) = step {
                (stage as? DedupSignatures)?.configuration.keep == .longest
            } else {
                false
            }
        }
    }

    /// An error when the pipeline needs a pass before the run that cannot be made: dedup's `keep: longest` with
    /// options the pass cannot reproduce, or with standard input.
    public static func checkPasses(_ pipeline: Pipeline, inputs: [InputFile]) throws {
        guard keepsLongest(pipeline) else { return }
        _ = try dedupSteps(of: pipeline)
        try requireFiles(inputs, longestNeedsFiles)
    }

    /// What `winnow run` runs after the passes over its inputs that the pipeline needs first.
    public struct PreparedRun: Sendable {
        /// The pipeline with the passes' results in place of the steps that needed them.
        public var pipeline: Pipeline
        /// The passes' files (a temporary work directory), for the caller to remove when the run ends.
        public var workDirectory: String?
        /// How `repeated_lines` counts in this run, as the summary notes it; nil without it.
        public var repeatedLinesNote: String?

        /// Notes how `repeated_lines` counted on its line of the summary.
        public func annotate(_ summary: inout RunSummary) {
            guard let repeatedLinesNote, let index = summary.stages.firstIndex(where: { $0.name == RepeatedLines.name })
            else { return }
            summary.stages[index].notes[repeatedLinesNote] = summary.stages[index].documentsIn
        }
    }

    /// The passes a pipeline needs before `winnow run` writes anything, run in this process over `inputs` as the
    /// phases of a one-shard plan in a temporary work directory: clean's two-pass `repeated_lines` (count-lines,
    /// merge-lines), and dedup's `keep: longest` (map, buckets, clusters). So the run writes what a plan's reduce
    /// phases write. An input that cannot be read twice (standard input, a pipe) makes `repeated_lines` count in one
    /// pass, and is an error for `keep: longest`.
    /// `announce` hears a line before each pass.
    public static func prepare(
        _ pipeline: Pipeline, inputs: [InputFile], options: Runner.Options,
        announce: ((String) -> Void)? = nil
    ) async throws -> PreparedRun {
        try checkPasses(pipeline, inputs: inputs)
        let longest = keepsLongest(pipeline)
        let hasRepeatedLines = pipeline.steps.contains { $0.name == RepeatedLines.name }
        let readOnce = inputs.first { !$0.canBeReadTwice }
        let twoPass = twoPassLines(of: pipeline) != nil && readOnce == nil
        var prepared = PreparedRun(pipeline: pipeline)
        if hasRepeatedLines {
            prepared.repeatedLinesNote =
                twoPass
                ? "counted in two passes"
                : readOnce.map {
                    "counted in one pass (\($0.path == "-" ? "standard input" : $0.path) cannot be read twice)"
                } ?? "counted in one pass"
        }
        guard twoPass || longest else { return prepared }
        let temporary = FileManager.default.temporaryDirectory.path
        var template = Array("\(temporary)/winnow-passes-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw IOFailure.system(temporary, "cannot create a temporary directory")
        }
        // Buckets bound the memory of keep: longest's pass: keys are ≈ 810 bytes a document, about a quarter of the
        // input's plain bytes; one bucket of ≈ 1 GB of (compressed) input at a time.
        let bytes = inputs.reduce(0) { $0 + ($1.size ?? 0) }
        let phases: [ClusterPlan.Phase] =
            (twoPass ? [.countLines, .mergeLines] : []) + (longest ? [.map, .buckets, .clusters] : [])
        let plan = ClusterPlan(
            workDirectory: String(cString: made), pipelinePath: "", inputs: inputs, shards: 1,
            buckets: min(256, 1 + bytes >> 30), phases: phases)
        prepared.workDirectory = plan.workDirectory
        do {
            if twoPass { announce?("repeated_lines — a first pass counts each source's lines over all the inputs") }
            if longest {
                announce?("dedup keep: longest — a pass over the inputs finds each cluster's longest document")
            }
            for phase in phases {
                for task in 0..<plan.tasks(of: phase) {
                    _ = try await run(phase, task: task, plan: plan, pipeline: pipeline, options: options)
                }
            }
            prepared.pipeline = twoPass ? try pipelineWithRepeats(pipeline, plan: plan) : pipeline
            if longest {
                prepared.pipeline = pipelineWithDecisions(
                    prepared.pipeline, try dedupSteps(of: pipeline), plan: plan, shard: 0, removingSignatures: true)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: plan.workDirectory)
            throw error
        }
        return prepared
    }

    private static func map(
        _ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
        _ dedup: DedupSteps?, _ options: Runner.Options
    ) async throws -> String {
        guard let dedup, case .document(let stage) = pipeline.steps[dedup.signatures],
            let signatures = stage as? DedupSignatures
        else {
            // Nothing to find: empty key files, so the later phases need no special case.
            for bucket in 0..<plan.buckets { try ClusterFiles.write([], to: plan.path("keys/\(bucket)/\(shard).bin")) }
            try ClusterFiles.write([], to: plan.path("docs/\(shard).bin"))
            return "map \(shard): no dedup stage, nothing to do"
        }
        var mapped = try pipelineWithRepeats(pipeline, plan: plan)
        // Every step before the look-up: what drops a document before dedup (filter) must drop it here too.
        mapped.steps =
            Array(mapped.steps[..<dedup.lookup]) + [
                .ordered(name: DedupLookup.name) {
                    DedupKeyWriter(plan: plan, shard: shard, signatures: signatures)
                }
            ]
        // With a reduce phase to follow, the documents that reach dedup are written (with the rejects so far) for
        // reduce to carry on from, instead of decoding and cleaning the inputs again.
        let spill = plan.phases.contains(.reduce) ? try spillFile(plan, shard) : nil
        var mapOptions = options
        mapOptions.collectCorpusStatistics = false
        if spill != nil {
            mapOptions.spillHashes = Set(
                pipeline.steps[(dedup.lookup + 1)...].compactMap {
                    if case .ordered(let name, _) = $0 { name } else { nil }
                })
        }
        let summary = await Runner(pipeline: mapped, options: mapOptions).run(
            inputs: Array(plan.inputs[plan.shards[shard]]), to: .init(output: spill))
        if let failure = summary.failure {
            spill?.abandon()
            throw ClusterError("map \(shard): \(failure)")
        }
        if let spill {
            try spill.commit()
            try summary.write(to: plan.path("map/\(shard).json"))
        }
        let documents = summary.stages[dedup.lookup].documentsIn
        return "map \(shard): \(summary.read) records, \(documents) documents keyed into \(plan.buckets) buckets"
            + (spill == nil ? "" : " and written for reduce (\(RunSummary.size(summary.outputBytes)))")
    }

    /// The map phase's batch file of a shard, its header written.
    private static func spillFile(_ plan: ClusterPlan, _ shard: Int) throws -> OutputFile {
        let path = plan.path("map/\(shard).bin")
        try ClusterFiles.makeDirectories(for: path)
        let file = try OutputFile(path: path)
        try file.write(BatchSpill.header)
        return file
    }

    private static func buckets(
        _ bucket: Int, _ plan: ClusterPlan, _ configuration: DedupStage.Configuration?
    ) throws -> String {
        var records: [DedupKeys.Record] = []
        let parameters = configuration?.parameters
        let sketchWords = parameters?.sketchWords ?? 0
        for shard in plan.shards.indices {
            let path = plan.path("keys/\(bucket)/\(shard).bin")
            guard plan.isDone(.map, shard) else { throw ClusterError("\(path): map \(shard) has not finished") }
            let bytes = try FileSource.contents(of: path)
            try bytes.withUnsafeBytes { raw in
                var reader = LittleEndianReader(raw)
                while reader.remaining > 0 {
                    guard let record = DedupKeys.Record.read(&reader, sketchWords: sketchWords) else {
                        throw ClusterError("\(path): truncated key file")
                    }
                    records.append(record)
                }
            }
        }
        // Sorted in replay order, so the clusters phase merges the files instead of holding them.
        var edges: [DedupKeys.Edge] = []
        if let configuration, let parameters {
            edges = DedupKeys.edges(of: records, parameters: parameters, threshold: configuration.threshold)
        }
        edges.sort(by: DedupKeys.Edge.replayOrder)
        var writer = LittleEndianWriter()
        for edge in edges { edge.write(to: &writer) }
        try ClusterFiles.write(writer.bytes, to: plan.path("edges/\(bucket).bin"))
        return "buckets \(bucket): \(records.count) keys, \(edges.count) verified pairs"
    }

    private static func clusters(_ plan: ClusterPlan, keep: DedupStage.Keep) throws -> String {
        let files = try (0..<plan.buckets).map { bucket in
            let path = plan.path("edges/\(bucket).bin")
            guard plan.isDone(.buckets, bucket) else {
                throw ClusterError("\(path): buckets \(bucket) has not finished")
            }
            return try EdgeFile(path: path)
        }
        // The documents whose id (and, for keep: longest, length) a decision can need: a pair's first for keep:
        // first (a cluster's root is always some pair's first), any document in a pair for keep: longest.
        var wanted = Set<UInt64>()
        var allEdges: [DedupKeys.Edge] = []
        for file in files {
            for index in 0..<file.count {
                let edge = file[index]
                wanted.insert(edge.first)
                if keep == .longest {
                    wanted.insert(edge.later)
                    allEdges.append(edge)
                }
            }
        }
        var documents: [UInt64: (length: Int, id: String)] = [:]
        for shard in plan.shards.indices {
            let file = try MappedFile(path: plan.path("docs/\(shard).bin"))
            var reader = LittleEndianReader(file.bytes)
            while reader.remaining > 0 {
                guard let position = reader.integer(UInt64.self), let length = reader.integer(UInt32.self),
                    let id = reader.string()
                else {
                    throw ClusterError("\(file.path): truncated")
                }
                if wanted.contains(position) { documents[position] = (Int(length), id) }
            }
        }
        wanted = []
        var output = DecisionFiles(plan: plan)
        let ids: (UInt64) -> String? = { documents[$0]?.id }
        switch keep {
        case .first: try DedupClusters.keepingFirst(SortedRunMerge(edges: files), ids: ids) { try output.add($0) }
        case .longest:
            try DedupClusters.keepingLongest(allEdges, length: { documents[$0]?.length ?? 0 }, ids: ids) {
                try output.add($0)
            }
        }
        try output.finish()
        return "clusters: \(files.reduce(0) { $0 + $1.count }) pairs, \(output.count) duplicates"
    }

    private static func reduce(
        _ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
        _ dedup: DedupSteps?, _ options: Runner.Options
    ) async throws -> String {
        if dedup != nil {
            guard plan.isDone(.clusters, 0) else {
                throw ClusterError("reduce \(shard): the clusters phase has not finished")
            }
        }
        let reduced = pipelineWithDecisions(
            try pipelineWithRepeats(pipeline, plan: plan), dedup, plan: plan, shard: shard, removingSignatures: false)
        for directory in ["out", "rejects", "stats"] {
            try ClusterFiles.makeDirectories(for: plan.path("\(directory)/x"))
        }
        let output = try OutputFile(path: plan.path("out/\(shard).jsonl.gz"))
        let rejects = try OutputFile(path: plan.path("rejects/\(shard).jsonl.gz"))
        let runner = Runner(pipeline: reduced, options: options)
        var summary: RunSummary
        if let dedup {
            // Carries on from the documents the map phase wrote; its summary has the steps before dedup.
            guard plan.isDone(.map, shard) else { throw ClusterError("reduce \(shard): map \(shard) has not finished") }
            let mapped = try RunSummary.load(path: plan.path("map/\(shard).json"))
            summary = await runner.run(
                continuingFrom: plan.path("map/\(shard).bin"), atStep: dedup.lookup,
                to: .init(output: output, rejects: rejects))
            summary.takeFirstSteps(dedup.lookup, from: mapped)
        } else {
            summary = await runner.run(
                inputs: Array(plan.inputs[plan.shards[shard]]), to: .init(output: output, rejects: rejects))
        }
        if let failure = summary.failure {
            output.abandon()
            rejects.abandon()
            throw ClusterError("reduce \(shard): \(failure)")
        }
        try output.commit()
        try rejects.commit()
        try summary.write(to: plan.path("stats/\(shard).json"))
        return
            "reduce \(shard): read \(summary.read) = written \(summary.writtenDocuments) + dropped \(summary.dropped) + rejected \(summary.rejected)"
    }
}
