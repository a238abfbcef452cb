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
    public static func makePlan(pipelinePath: String, inputs: [InputFile], shards: Int, buckets: Int, workDirectory: String) throws -> ClusterPlan {
        let plan = try checkedPlan(pipelinePath: pipelinePath, inputs: inputs, shards: shards, buckets: buckets, workDirectory: workDirectory)
        let pipelineText = try FileSource.contents(of: pipelinePath)
        if access(plan.path("plan.json"), F_OK) == 0 {
            // A rerun with the same plan resumes it (finished tasks are skipped); another plan would mix two runs' files.
            let existing = try ClusterPlan.load(workDirectory: workDirectory)
            guard existing.inputs.map(\.path) == plan.inputs.map(\.path), existing.inputs.map(\.size) == plan.inputs.map(\.size),
                  existing.shards == plan.shards, existing.buckets == plan.buckets,
                  (try? FileSource.contents(of: plan.copiedPipelinePath)) == pipelineText else {
                throw ClusterError("\(workDirectory) holds a plan for other inputs, shards, buckets or another pipeline text; give a new --work directory or delete it")
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
    public static func checkedPlan(pipelinePath: String, inputs: [InputFile], shards: Int, buckets: Int, workDirectory: String) throws -> ClusterPlan {
        let pipeline = try Pipeline.load(path: pipelinePath)
        _ = try dedupSteps(of: pipeline)
        try requireFiles(inputs, "a plan needs files: standard input cannot be read by every phase")
        return ClusterPlan(workDirectory: workDirectory, pipelinePath: pipelinePath, inputs: inputs, shards: shards, buckets: buckets)
    }

    /// Where dedup is in a pipeline's steps (its per-document half and its ordered half), nil without dedup; an
    /// error for what the phases cannot reproduce.
    typealias DedupSteps = (signatures: Int, lookup: Int, configuration: DedupStage.Configuration)

    static func dedupSteps(of pipeline: Pipeline) throws -> DedupSteps? {
        let signatureSteps = pipeline.steps.indices.filter { if case .document(let stage) = pipeline.steps[$0] { stage is DedupSignatures } else { false } }
        guard let first = signatureSteps.first else { return nil }
        guard signatureSteps.count == 1, case .document(let stage) = pipeline.steps[first], let signatures = stage as? DedupSignatures,
              let lookup = pipeline.steps.indices.first(where: { $0 > first && pipeline.steps[$0].name == DedupLookup.name }) else {
            throw ClusterError("a plan runs one dedup stage; this pipeline has \(signatureSteps.count)")
        }
        let configuration = signatures.configuration
        if configuration.verify == .exact { throw ClusterError("dedup's verify: exact needs every shingle set in one process; phases verify with the sketches (verify: estimate)") }
        if configuration.paragraphs { throw ClusterError("dedup's paragraphs: true removes lines seen anywhere before, which the phases do not reproduce; drop it for a plan") }
        if !configuration.indexPath.isEmpty { throw ClusterError("dedup's index: file is one process's index; a plan keeps its keys in the work directory instead") }
        return (first, lookup, configuration)
    }

    /// Runs task `task` of `phase` unless it is done; returns a line for the log.
    public static func run(_ phase: ClusterPlan.Phase, task: Int, plan: ClusterPlan, options: Runner.Options) async throws -> String {
        guard (0..<plan.tasks(of: phase)).contains(task) else {
            throw ClusterError("\(phase.rawValue) has tasks 0–\(plan.tasks(of: phase) - 1); got \(task)")
        }
        if plan.isDone(phase, task) { return "\(phase.rawValue) \(task): already done (\(plan.marker(phase, task)))" }
        return try await run(phase, task: task, plan: plan, pipeline: try Pipeline.load(path: plan.copiedPipelinePath), options: options)
    }

    private static func run(_ phase: ClusterPlan.Phase, task: Int, plan: ClusterPlan, pipeline: Pipeline, options: Runner.Options) async throws -> String {
        let dedup = try dedupSteps(of: pipeline)
        let line: String
        switch phase {
        case .map: line = try await map(task, plan, pipeline, dedup, options)
        case .buckets: line = try buckets(task, plan, dedup?.configuration)
        case .clusters: line = try clusters(plan, keep: dedup?.configuration.keep ?? .first)
        case .reduce: line = try await reduce(task, plan, pipeline, dedup, options)
        }
        try ClusterFiles.write(Array((line + "\n").utf8), to: plan.marker(phase, task))
        return line
    }

    /// The pipeline with dedup's decisions read from the clusters phase's files in place of its look-up.
    private static func pipelineWithDecisions(_ pipeline: Pipeline, _ dedup: DedupSteps?, plan: ClusterPlan, shard: Int) -> Pipeline {
        guard let dedup else { return pipeline }
        var reduced = pipeline
        let mode = dedup.configuration.mode
        reduced.steps[dedup.lookup] = .ordered(name: DedupLookup.name) { DedupDecisions(plan: plan, shard: shard, mode: mode) }
        reduced.steps.remove(at: dedup.signatures)
        return reduced
    }

    /// The ordered stages other than dedup's: each sees the documents of one shard only in a plan (clean's
    /// `repeated_lines` counts a source's lines where they are read), so with more than one shard the output can
    /// differ from one run's.
    public static func perShardStages(of pipeline: Pipeline) -> [String] {
        pipeline.steps.compactMap { step in
            if case .ordered(let name, _) = step, name != DedupLookup.name { name } else { nil }
        }
    }

    private static func requireFiles(_ inputs: [InputFile], _ message: String) throws {
        guard !inputs.contains(where: { $0.path == "-" }) else { throw ClusterError(message) }
    }

    private static let longestNeedsFiles = "dedup's keep: longest reads the inputs twice (a first pass finds each cluster's longest document); standard input cannot be read again — give files"

    /// Whether `winnow run` must make a pass over `inputs` before the run (dedup's `keep: longest`); an error when
    /// such a dedup has options the pass cannot reproduce, or an input is standard input.
    public static func needsPassBeforeRun(_ pipeline: Pipeline, inputs: [InputFile]) throws -> Bool {
        let longest = pipeline.steps.contains { step in
            if case .document(let stage) = step { (stage as? DedupSignatures)?.configuration.keep == .longest } else { false }
        }
        if longest {
            _ = try dedupSteps(of: pipeline)
            try requireFiles(inputs, longestNeedsFiles)
        }
        return longest
    }

    /// For `winnow run` with dedup's `keep: longest`: the map, buckets and clusters phases over the run's inputs in
    /// this process, in a temporary work directory, and the pipeline whose dedup applies their decisions — so the
    /// run writes what a plan's reduce phases write. The caller removes the returned directory when the run ends.
    public static func decidingInAdvance(_ pipeline: Pipeline, inputs: [InputFile], options: Runner.Options) async throws -> (pipeline: Pipeline, work: String) {
        guard let dedup = try dedupSteps(of: pipeline) else { throw ClusterError("the pipeline has no dedup stage") }
        try requireFiles(inputs, longestNeedsFiles)
        let temporary = FileManager.default.temporaryDirectory.path
        var template = Array("\(temporary)/winnow-longest-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw IOFailure.system(temporary, "cannot create a temporary directory") }
        // Buckets bound the memory of the pass: keys are ≈ 810 bytes a document, about a quarter of the input's
        // plain bytes; one bucket of ≈ 1 GB of (compressed) input at a time.
        let bytes = inputs.reduce(0) { $0 + ($1.size ?? 0) }
        let plan = ClusterPlan(workDirectory: String(cString: made), pipelinePath: "", inputs: inputs, shards: 1, buckets: min(256, 1 + bytes >> 30))
        do {
            for phase in [ClusterPlan.Phase.map, .buckets, .clusters] {
                for task in 0..<plan.tasks(of: phase) { _ = try await run(phase, task: task, plan: plan, pipeline: pipeline, options: options) }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: plan.workDirectory)
            throw error
        }
        return (pipelineWithDecisions(pipeline, dedup, plan: plan, shard: 0), plan.workDirectory)
    }

    private static func map(_ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
                            _ dedup: DedupSteps?, _ options: Runner.Options) async throws -> String {
        guard let dedup, case .document(let stage) = pipeline.steps[dedup.signatures], let signatures = stage as? DedupSignatures else {
            // Nothing to find: empty key files, so the later phases need no special case.
            for bucket in 0..<plan.buckets { try ClusterFiles.write([], to: plan.path("keys/\(bucket)/\(shard).bin")) }
            try ClusterFiles.write([], to: plan.path("docs/\(shard).bin"))
            return "map \(shard): no dedup stage, nothing to do"
        }
        var mapped = pipeline
        // Every step before the look-up: what drops a document before dedup (filter) must drop it here too.
        mapped.steps = Array(pipeline.steps[..<dedup.lookup]) + [.ordered(name: DedupLookup.name) {
            DedupKeyWriter(plan: plan, shard: shard, signatures: signatures)
        }]
        let summary = await Runner(pipeline: mapped, options: options).run(inputs: Array(plan.inputs[plan.shards[shard]]), to: .init(output: nil))
        if let failure = summary.failure { throw ClusterError("map \(shard): \(failure)") }
        return "map \(shard): \(summary.read) records, \(summary.stages.last?.documentsIn ?? 0) documents keyed into \(plan.buckets) buckets"
    }

    private static func buckets(_ bucket: Int, _ plan: ClusterPlan, _ configuration: DedupStage.Configuration?) throws -> String {
        var records: [DedupKeys.Record] = []
        let sketchWords = configuration?.parameters.sketchWords ?? 0
        for shard in plan.shards.indices {
            let path = plan.path("keys/\(bucket)/\(shard).bin")
            guard plan.isDone(.map, shard) else { throw ClusterError("\(path): map \(shard) has not finished") }
            let bytes = try FileSource.contents(of: path)
            try bytes.withUnsafeBytes { raw in
                var reader = LittleEndianReader(raw)
                while reader.remaining > 0 {
                    guard let record = DedupKeys.Record.read(&reader, sketchWords: sketchWords) else { throw ClusterError("\(path): truncated key file") }
                    records.append(record)
                }
            }
        }
        // Sorted in replay order, so the clusters phase merges the files instead of holding them.
        let edges = (configuration.map { DedupKeys.edges(of: records, parameters: $0.parameters, threshold: $0.threshold) } ?? [])
            .sorted(by: DedupKeys.Edge.replayOrder)
        var writer = LittleEndianWriter()
        for edge in edges { edge.write(to: &writer) }
        try ClusterFiles.write(writer.bytes, to: plan.path("edges/\(bucket).bin"))
        return "buckets \(bucket): \(records.count) keys, \(edges.count) verified pairs"
    }

    private static func clusters(_ plan: ClusterPlan, keep: DedupStage.Keep) throws -> String {
        let files = try (0..<plan.buckets).map { bucket in
            let path = plan.path("edges/\(bucket).bin")
            guard plan.isDone(.buckets, bucket) else { throw ClusterError("\(path): buckets \(bucket) has not finished") }
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
                guard let position = reader.integer(UInt64.self), let length = reader.integer(UInt32.self), let id = reader.string() else {
                    throw ClusterError("\(file.path): truncated")
                }
                if wanted.contains(position) { documents[position] = (Int(length), id) }
            }
        }
        wanted = []
        var output = DecisionFiles(plan: plan)
        let ids: (UInt64) -> String? = { documents[$0]?.id }
        switch keep {
        case .first: try DedupClusters.keepingFirst(EdgeMerge(files), ids: ids) { try output.add($0) }
        case .longest: try DedupClusters.keepingLongest(allEdges, length: { documents[$0]?.length ?? 0 }, ids: ids) { try output.add($0) }
        }
        try output.finish()
        return "clusters: \(files.reduce(0) { $0 + $1.count }) pairs, \(output.count) duplicates"
    }

    private static func reduce(_ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
                               _ dedup: DedupSteps?, _ options: Runner.Options) async throws -> String {
        if dedup != nil { guard plan.isDone(.clusters, 0) else { throw ClusterError("reduce \(shard): the clusters phase has not finished") } }
        let reduced = pipelineWithDecisions(pipeline, dedup, plan: plan, shard: shard)
        for directory in ["out", "rejects", "stats"] { try ClusterFiles.makeDirectories(for: plan.path("\(directory)/x")) }
        let output = try OutputFile(path: plan.path("out/\(shard).jsonl.gz"))
        let rejects = try OutputFile(path: plan.path("rejects/\(shard).jsonl.gz"))
        let summary = await Runner(pipeline: reduced, options: options).run(inputs: Array(plan.inputs[plan.shards[shard]]),
                                                                           to: .init(output: output, rejects: rejects))
        if let failure = summary.failure {
            output.abandon()
            rejects.abandon()
            throw ClusterError("reduce \(shard): \(failure)")
        }
        try output.commit()
        try rejects.commit()
        try summary.write(to: plan.path("stats/\(shard).json"))
        return "reduce \(shard): read \(summary.read) = written \(summary.writtenDocuments) + dropped \(summary.dropped) + rejected \(summary.rejected)"
    }
}
