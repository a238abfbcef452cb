import ArgumentParser
import Foundation
import Winnow

/// `winnow plan`: the multi-phase run of a pipeline over a corpus, for a cluster (see `ClusterPlan`).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Plans a multi-phase run (count-lines, merge-lines, map, buckets, clusters, reduce) whose dedup and repeated lines span the whole corpus; prints each phase's tasks.",
        discussion:
            "Each phase is a `winnow PHASE --work DIR --task N` command, one task per shard or bucket; files in DIR are the only exchange. out/0.jsonl.gz, out/1.jsonl.gz, … in order are the output of one `winnow run`."
    )

    @OptionGroup var planned: PlanArguments

    func run() throws {
        do {
            let plan = try planned.plan(writing: true)
            print(
                "plan: \(plan.inputs.count) inputs in \(plan.shards.count) shards, \(plan.buckets) buckets → \(plan.path("plan.json"))"
            )
            for phase in plan.phases {
                let tasks = plan.tasks(of: phase)
                print("  winnow \(phase.rawValue) --work \(plan.workDirectory) --task N    N = 0…\(tasks - 1)")
            }
        } catch let code as ExitCode {
            throw code
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(2)
        }
    }
}

/// What `winnow plan` and `winnow slurm` plan: a pipeline, its inputs, the shards, buckets and work directory.
struct PlanArguments: ParsableArguments {
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

    /// The plan (written to the work directory unless `writing` is false); exits 2 for an unusable pipeline.
    func plan(writing: Bool) throws -> ClusterPlan {
        let loaded = try loadPipeline(pipeline)
        let files = try resolveInputs(inputs, pipeline: loaded, pipelinePath: pipeline).files
        let perShard = ClusterPhases.perShardStages(of: loaded)
        if shards > 1 && !perShard.isEmpty {
            printError(
                "winnow: note: \(perShard.joined(separator: ", ")) sees one shard's documents at a time in a plan, so with --shards \(shards) its result (and the output) can differ from one winnow run; --shards 1 gives the same output"
            )
        }
        return writing
            ? try ClusterPhases.makePlan(
                pipelinePath: pipeline, inputs: files, shards: shards, buckets: buckets, workDirectory: absolute(work))
            : try ClusterPhases.checkedPlan(
                pipelinePath: pipeline, inputs: files, shards: shards, buckets: buckets, workDirectory: absolute(work))
    }
}

/// An absolute path (tasks may start in another directory).
func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : normalized(FileManager.default.currentDirectoryPath + "/" + path)
}

/// `winnow count-lines|merge-lines|map|buckets|clusters|reduce --work DIR --task N`: one task of one phase of a plan.
struct PhaseCommand: AsyncParsableCommand {
    @Option(help: "The work directory `winnow plan` wrote.")
    var work: String

    @Option(
        help: ArgumentHelp(
            "The task: the shard (count-lines, map, reduce) or bucket (merge-lines, buckets) number, from 0; 'auto' reads SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.",
            valueName: "N|auto"))
    var task: String = "0"

    @OptionGroup var tuning: RunTuning

    func run(_ phase: ClusterPlan.Phase) async throws {
        let number: Int
        if task == "auto" {
            let environment = ProcessInfo.processInfo.environment
            guard
                let value = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) })
                    ?? environment["JOB_COMPLETION_INDEX"].flatMap({ Int($0) })
            else {
                throw ValidationError("--task auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
            }
            number = value - (environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0)
        } else {
            guard let value = Int(task) else {
                throw ValidationError("--task must be a number from 0, or auto; got '\(task)'")
            }
            number = value
        }
        do {
            let plan = try ClusterPlan.load(workDirectory: absolute(work))
            printError(
                "winnow: "
                    + (try await ClusterPhases.run(phase, task: number, plan: plan, options: tuning.runnerOptions())))
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(1)
        }
    }
}

/// A phase's subcommand.
protocol PhaseDescription {
    static var phase: ClusterPlan.Phase { get }
}

/// `winnow PHASE --work DIR --task N` for each phase of a plan.
struct PhaseSubcommand<Description: PhaseDescription>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Description.phase.rawValue, abstract: Description.phase.summary)
    }
    @OptionGroup var task: PhaseCommand
    func run() async throws { try await task.run(Description.phase) }
}

enum CountLinesPhase: PhaseDescription { static let phase = ClusterPlan.Phase.countLines }
enum MergeLinesPhase: PhaseDescription { static let phase = ClusterPlan.Phase.mergeLines }
enum MapPhase: PhaseDescription { static let phase = ClusterPlan.Phase.map }
enum BucketsPhase: PhaseDescription { static let phase = ClusterPlan.Phase.buckets }
enum ClustersPhase: PhaseDescription { static let phase = ClusterPlan.Phase.clusters }
enum ReducePhase: PhaseDescription { static let phase = ClusterPlan.Phase.reduce }

/// `winnow slurm`: plans the run and submits one Slurm job array per phase, each depending on the one before.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract:
            "Runs a pipeline on a Slurm cluster: plans it (as winnow plan) and submits one job array per phase with sbatch.",
        discussion:
            "Scripts go to DIR/slurm/, task logs to DIR/logs/PHASE-N.log, the output to DIR/out/. Submitting the same plan again resumes it: finished tasks are left out. A failed task is retried in place (--retries) and requeued by Slurm if its node fails; a phase that still fails cancels the phases after it."
    )

    @OptionGroup var planned: PlanArguments

    @Option(help: "sbatch --partition.")
    var partition: String?

    @Option(help: "sbatch --account.")
    var account: String?

    @Option(help: "CPUs per task (sbatch --cpus-per-task; each task runs that many jobs).")
    var cpus: Int = 1

    @Option(help: "Memory per task (sbatch --mem, e.g. 4G).")
    var mem: String?

    @Option(help: "Time limit per task (sbatch --time, e.g. 2:00:00).")
    var time: String?

    @Option(help: "At most this many tasks of one array at a time.")
    var maxRunning: Int?

    @Option(
        name: .customLong("sbatch-option"),
        help: ArgumentHelp("Another #SBATCH option for every job (repeatable), e.g. --qos=low.", valueName: "option"))
    var sbatchOptions: [String] = []

    @Option(help: "Times a failed task is run again in its allocation.")
    var retries: Int = 2

    @Option(help: "The winnow binary the nodes run (default: this one).")
    var winnow: String?

    @Flag(help: "Print the scripts and the sbatch commands; submit nothing, write nothing.")
    var dryRun = false

    @Flag(help: "Wait until the last phase ends; exit 1 unless every task finished.")
    var wait = false

    func validate() throws {
        if cpus < 1 { throw ValidationError("--cpus must be at least 1") }
        if retries < 0 { throw ValidationError("--retries must be at least 0") }
        if let maxRunning, maxRunning < 1 { throw ValidationError("--max-running must be at least 1") }
        if let bad = sbatchOptions.first(where: { !$0.hasPrefix("-") }) {
            throw ValidationError("--sbatch-option takes an sbatch option such as --qos=low; got '\(bad)'")
        }
    }

    func run() throws {
        let plan: ClusterPlan
        do {
            plan = try planned.plan(writing: !dryRun)
        } catch let code as ExitCode {
            throw code
        } catch {
            printError("winnow: \(error)")
            throw ExitCode(2)
        }
        let resources = SlurmJobs.Resources(
            partition: partition, account: account, cpusPerTask: cpus, memory: mem, time: time,
            maxRunning: maxRunning, extraOptions: sbatchOptions)
        let jobs = SlurmJobs(plan: plan, winnow: winnow ?? Self.thisBinary(), resources: resources, retries: retries)
            .jobs()
        guard !jobs.isEmpty else {
            print(
                "slurm: every task of the plan in \(plan.workDirectory) is done; the output is in \(plan.path("out/"))")
            return
        }
        if dryRun {
            for (index, job) in jobs.enumerated() {
                print("# \(job.scriptPath)")
                print(job.script)
                print(
                    "# submitted as: sbatch --parsable\(index == 0 ? "" : " --dependency=afterok:<\(jobs[index - 1].phase.rawValue) job> --kill-on-invalid-dep=yes") \(job.scriptPath)\n"
                )
            }
            return
        }
        var submitted: [(job: SlurmJobs.Job, id: String)] = []
        do {
            try ClusterFiles.makeDirectories(for: plan.path("logs/x"))
            for job in jobs {
                try ClusterFiles.write(Array(job.script.utf8), to: job.scriptPath)
                var arguments = ["--parsable"]
                if let previous = submitted.last {
                    arguments += ["--dependency=afterok:\(previous.id)", "--kill-on-invalid-dep=yes"]
                }
                let output = try Self.runTool("sbatch", arguments + [job.scriptPath])
                // --parsable prints "ID" or "ID;CLUSTER".
                guard
                    let id = output.split(separator: ";").first.map({
                        String($0).trimmingCharacters(in: .whitespacesAndNewlines)
                    }), !id.isEmpty
                else {
                    throw ClusterError("sbatch printed no job id for \(job.scriptPath)")
                }
                submitted.append((job, id))
                print(
                    "slurm: \(job.phase.rawValue): job \(id), tasks \(SlurmJobs.arraySpecification(job.tasks)), logs \(plan.path("logs/\(job.phase.rawValue)-N.log"))"
                )
            }
        } catch {
            printError("winnow: \(error)")
            if !submitted.isEmpty {
                printError(
                    "winnow: jobs submitted before the failure: \(submitted.map(\.id).joined(separator: " ")) (scancel them, or let them run and submit again)"
                )
            }
            throw ExitCode(1)
        }
        let outputs = "\(plan.path("out/"))0…\(plan.shards.count - 1).jsonl.gz"
        print(
            "slurm: the output will be \(outputs), in that order; watch with squeue -j \(submitted.map(\.id).joined(separator: ","))"
        )
        guard wait else { return }
        let ids = submitted.map(\.id).joined(separator: ",")
        while true {
            let queued = (try? Self.runTool("squeue", ["-h", "-j", ids, "-o", "%i"])) ?? ""
            if queued.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            Thread.sleep(forTimeInterval: 2)
        }
        let unfinished = plan.phases.flatMap { phase in
            (0..<plan.tasks(of: phase)).filter { !plan.isDone(phase, $0) }.map { "\(phase.rawValue) \($0)" }
        }
        guard unfinished.isEmpty else {
            printError(
                "winnow: the run ended with tasks unfinished: \(unfinished.prefix(10).joined(separator: ", "))\(unfinished.count > 10 ? ", …" : "") — see \(plan.path("logs/"))"
            )
            throw ExitCode(1)
        }
        print("slurm: done; the output is \(outputs)")
    }

    /// The path of the running binary.
    static func thisBinary() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return absolute(CommandLine.arguments[0])
    }

    /// Runs a tool found on PATH; its standard output, or an error with its standard error.
    static func runTool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw ClusterError("cannot run \(name): \(error)") }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ClusterError(
                "\(name) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(String(decoding: complaint, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return String(decoding: printed, as: UTF8.self)
    }
}
