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
        let pipeline = try Pipeline.load(path: pipelinePath)
        _ = try dedupSteps(of: pipeline)
        guard !inputs.contains(where: { $0.path == "-" }) else { throw ClusterError("a plan needs files: standard input cannot be read by every phase") }
        let plan = ClusterPlan(workDirectory: workDirectory, pipelinePath: pipelinePath, inputs: inputs, shards: shards, buckets: buckets)
        try ClusterFiles.write(try FileSource.contents(of: pipelinePath), to: plan.copiedPipelinePath)
        var writer = JSONWriter()
        writer.write(plan.json)
        writer.appendByte(0x0A)
        try ClusterFiles.write(writer.bytes, to: plan.path("plan.json"))
        return plan
    }

    /// Where dedup is in a pipeline's steps (its per-document half and its ordered half), nil without dedup; an
    /// error for what the phases cannot reproduce.
    static func dedupSteps(of pipeline: Pipeline) throws -> (signatures: Int, lookup: Int, configuration: DedupStage.Configuration)? {
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
        let pipeline = try Pipeline.load(path: plan.copiedPipelinePath)
        let dedup = try dedupSteps(of: pipeline)
        let line: String
        switch phase {
        case .map: line = try await map(task, plan, pipeline, dedup, options)
        case .buckets: line = try buckets(task, plan, dedup?.configuration)
        case .clusters: line = try clusters(plan)
        case .reduce: line = try await reduce(task, plan, pipeline, dedup, options)
        }
        try ClusterFiles.write(Array((line + "\n").utf8), to: plan.marker(phase, task))
        return line
    }

    private static func map(_ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
                            _ dedup: (signatures: Int, lookup: Int, configuration: DedupStage.Configuration)?, _ options: Runner.Options) async throws -> String {
        guard let dedup, case .document(let stage) = pipeline.steps[dedup.signatures], let signatures = stage as? DedupSignatures else {
            // Nothing to find: empty key files, so the later phases need no special case.
            for bucket in 0..<plan.buckets { try ClusterFiles.write([], to: plan.path("keys/\(bucket)/\(shard).bin")) }
            try ClusterFiles.write([], to: plan.path("docs/\(shard).bin"))
            return "map \(shard): no dedup stage, nothing to do"
        }
        var mapped = pipeline
        mapped.steps = Array(pipeline.steps[...dedup.signatures]) + [.ordered(name: DedupLookup.name) {
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
        let edges = configuration.map { DedupKeys.edges(of: records, parameters: $0.parameters, threshold: $0.threshold) } ?? []
        var writer = LittleEndianWriter()
        for edge in edges { edge.write(to: &writer) }
        try ClusterFiles.write(writer.bytes, to: plan.path("edges/\(bucket).bin"))
        return "buckets \(bucket): \(records.count) keys, \(edges.count) verified pairs"
    }

    private static func clusters(_ plan: ClusterPlan) throws -> String {
        var edges: [DedupKeys.Edge] = []
        for bucket in 0..<plan.buckets {
            let path = plan.path("edges/\(bucket).bin")
            guard plan.isDone(.buckets, bucket) else { throw ClusterError("\(path): buckets \(bucket) has not finished") }
            try FileSource.contents(of: path).withUnsafeBytes { raw in
                var reader = LittleEndianReader(raw)
                while reader.remaining > 0 {
                    guard let edge = DedupKeys.Edge.read(&reader) else { throw ClusterError("\(path): truncated edge file") }
                    edges.append(edge)
                }
            }
        }
        // The ids of the documents that can be a cluster's first: the first documents of the edges.
        let wanted = Set(edges.map(\.first))
        var ids: [UInt64: String] = [:]
        for shard in plan.shards.indices {
            let path = plan.path("docs/\(shard).bin")
            try FileSource.contents(of: path).withUnsafeBytes { raw in
                var reader = LittleEndianReader(raw)
                while reader.remaining > 0 {
                    guard let position = reader.integer(UInt64.self), let id = reader.string() else { throw ClusterError("\(path): truncated") }
                    if wanted.contains(position) { ids[position] = id }
                }
            }
        }
        let decisions = try DedupClusters.decide(edges) { ids[$0] }
        var byShard = Array(repeating: [DedupClusters.Decision](), count: plan.shards.count)
        for decision in decisions { byShard[ClusterPlan.shard(ofPosition: decision.position, in: plan)].append(decision) }
        for (shard, list) in byShard.enumerated() { try ClusterFiles.write(DedupClusters.write(list), to: plan.path("decisions/\(shard).bin")) }
        return "clusters: \(edges.count) pairs, \(decisions.count) duplicates"
    }

    private static func reduce(_ shard: Int, _ plan: ClusterPlan, _ pipeline: Pipeline,
                               _ dedup: (signatures: Int, lookup: Int, configuration: DedupStage.Configuration)?, _ options: Runner.Options) async throws -> String {
        var reduced = pipeline
        if let dedup {
            guard plan.isDone(.clusters, 0) else { throw ClusterError("reduce \(shard): the clusters phase has not finished") }
            let mode = dedup.configuration.mode
            reduced.steps[dedup.lookup] = .ordered(name: DedupLookup.name) { DedupDecisions(plan: plan, shard: shard, mode: mode) }
            reduced.steps.remove(at: dedup.signatures)
        }
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
