import ArgumentParser
import Foundation
import Winnow

/// `winnow plan`: the multi-phase run of a pipeline over a corpus, for a cluster (see `ClusterPlan`).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plans a multi-phase run (map, buckets, clusters, reduce) whose dedup spans the whole corpus; prints each phase's tasks.",
        discussion: "Each phase is a `winnow PHASE --work DIR --task N` command, one task per shard or bucket; files in DIR are the only exchange. out/0.jsonl.gz, out/1.jsonl.gz, … in order are the output of one `winnow run`."
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Argument(help: "Input files, directories or glob patterns; none: the pipeline's input.paths.")
    var inputs: [String] = []

    @Option(help: "Shards: tasks of the map and reduce phases (contiguous runs of the inputs, balanced by size).")
    var shards: Int

    @Option(help: "Key buckets: tasks of the buckets phase.")
    var buckets: Int = 4

    @Option(help: "The work directory, on a filesystem every task sees.")
    var work: String

    func validate() throws {
        if shards < 1 { throw ValidationError("--shards must be at least 1") }
        if buckets < 1 { throw ValidationError("--buckets must be at least 1") }
    }

    func run() throws {
        let loaded = try loadPipeline(pipeline)
        let listing = try resolveInputs(inputs, pipeline: loaded, pipelinePath: pipeline)
        do {
            let plan = try ClusterPhases.makePlan(pipelinePath: pipeline, inputs: listing.files, shards: shards, buckets: buckets,
                                                  workDirectory: absolute(work))
            print("plan: \(plan.inputs.count) inputs in \(plan.shards.count) shards, \(plan.buckets) buckets → \(plan.path("plan.json"))")
            for phase in ClusterPlan.Phase.allCases {
                let tasks = plan.tasks(of: phase)
                print("  winnow \(phase.rawValue) --work \(plan.workDirectory) --task N    N = 0…\(tasks - 1)")
            }
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(2)
        }
    }
}

/// An absolute path (tasks may start in another directory).
func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : normalized(FileManager.default.currentDirectoryPath + "/" + path)
}

/// `winnow map|buckets|clusters|reduce --work DIR --task N`: one task of one phase of a plan.
struct PhaseCommand: AsyncParsableCommand {
    @Option(help: "The work directory `winnow plan` wrote.")
    var work: String

    @Option(help: ArgumentHelp("The task: the shard (map, reduce) or bucket (buckets) number, from 0; 'auto' reads SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.", valueName: "N|auto"))
    var task: String = "0"

    @OptionGroup var tuning: RunTuning

    func run(_ phase: ClusterPlan.Phase) async throws {
        let number: Int
        if task == "auto" {
            let environment = ProcessInfo.processInfo.environment
            guard let value = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) ?? environment["JOB_COMPLETION_INDEX"].flatMap({ Int($0) }) else {
                throw ValidationError("--task auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
            }
            number = value - (environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0)
        } else {
            guard let value = Int(task) else { throw ValidationError("--task must be a number from 0, or auto; got '\(task)'") }
            number = value
        }
        do {
            let plan = try ClusterPlan.load(workDirectory: absolute(work))
            printError("winnow: " + (try await ClusterPhases.run(phase, task: number, plan: plan, options: tuning.runnerOptions())))
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(1)
        }
    }
}

struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "map", abstract: "Phase 1 of a plan: one shard's stages up to dedup; writes its dedup keys by bucket.")
    @OptionGroup var phase: PhaseCommand
    func run() async throws { try await phase.run(.map) }
}

struct BucketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "buckets", abstract: "Phase 2 of a plan: one bucket's keys of every shard merged into verified duplicate pairs.")
    @OptionGroup var phase: PhaseCommand
    func run() async throws { try await phase.run(.buckets) }
}

struct ClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clusters", abstract: "Phase 3 of a plan: the pairs replayed in input order into each shard's duplicate decisions.")
    @OptionGroup var phase: PhaseCommand
    func run() async throws { try await phase.run(.clusters) }
}

struct ReduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reduce", abstract: "Phase 4 of a plan: one shard's whole pipeline with dedup's decisions; writes out/N.jsonl.gz.")
    @OptionGroup var phase: PhaseCommand
    func run() async throws { try await phase.run(.reduce) }
}
