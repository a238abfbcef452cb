/// The batch scripts `winnow slurm` submits: one Slurm job array per phase of a `ClusterPlan`, each task one
/// `winnow PHASE --work DIR --task N` command, and each phase's job depending on the one before it
/// (`--dependency=afterok`, so a failed phase cancels the rest with `--kill-on-invalid-dep=yes`).
///
/// A task that fails is run again in the same allocation up to `retries` times (a slow filesystem, a node's
/// hiccup); `--requeue` lets Slurm itself requeue a task whose node fails. Tasks already finished (their marker is in
/// `done/`) are left out of the array, so submitting the same plan again resumes it.
public struct SlurmJobs: Sendable {
    /// What each task asks of Slurm; nil leaves the cluster's default.
    public struct Resources: Sendable, Equatable {
        public var partition: String?
        public var account: String?
        public var cpusPerTask: Int
        public var memory: String?
        public var time: String?
        /// At most this many tasks of one array at a time (`--array=…%K`).
        public var maxRunning: Int?
        /// More `#SBATCH` lines, as written (`--qos=low`, `--constraint=ssd`).
        public var extraOptions: [String]

        public init(
            partition: String? = nil, account: String? = nil, cpusPerTask: Int = 1, memory: String? = nil,
            time: String? = nil,
            maxRunning: Int? = nil, extraOptions: [String] = []
        ) {
            self.partition = partition
            self.account = account
            self.cpusPerTask = cpusPerTask
            self.memory = memory
            self.time = time
            self.maxRunning = maxRunning
            self.extraOptions = extraOptions
        }
    }

    public var plan: ClusterPlan
    /// The `winnow` binary every node runs (an absolute path on the shared filesystem, or a name on the nodes' PATH).
    public var winnow: String
    public var resources: Resources
    public var retries: Int

    public init(plan: ClusterPlan, winnow: String, resources: Resources, retries: Int = 2) {
        self.plan = plan
        self.winnow = winnow
        self.resources = resources
        self.retries = max(0, retries)
    }

    /// One phase's job: the tasks still to run and its script.
    public struct Job: Sendable, Equatable {
        public var phase: ClusterPlan.Phase
        public var tasks: [Int]
        public var script: String
        /// Where `winnow slurm` writes the script.
        public var scriptPath: String
    }

    /// The jobs to submit, in phase order; a phase whose tasks are all done has none.
    public func jobs() -> [Job] {
        plan.phases.compactMap { phase in
            let tasks = (0..<plan.tasks(of: phase)).filter { !plan.isDone(phase, $0) }
            guard !tasks.isEmpty else { return nil }
            return Job(
                phase: phase, tasks: tasks, script: script(phase, tasks: tasks),
                scriptPath: plan.path("slurm/\(phase.rawValue).sbatch"))
        }
    }

    /// Slurm's array syntax for task numbers: runs collapsed (`0-7`, `0-2,5,9-11`).
    public static func arraySpecification(_ tasks: [Int]) -> String {
        var pieces: [String] = []
        var index = 0
        while index < tasks.count {
            var end = index
            while end + 1 < tasks.count && tasks[end + 1] == tasks[end] + 1 { end += 1 }
            pieces.append(end == index ? "\(tasks[index])" : "\(tasks[index])-\(tasks[end])")
            index = end + 1
        }
        return pieces.joined(separator: ",")
    }

    /// A word for the shell, quoted when it needs to be.
    public static func shellQuoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || "/._-+=:,@%".utf8.contains(byte)
            }
        return plain
            ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    func script(_ phase: ClusterPlan.Phase, tasks: [Int]) -> String {
        let name = phase.rawValue
        var array = Self.arraySpecification(tasks)
        if let limit = resources.maxRunning { array += "%\(limit)" }
        var options = [
            "--job-name=winnow-\(name)",
            "--array=\(array)",
            "--output=\(plan.path("logs/\(name)-%a.log"))",
            "--open-mode=append",
            "--requeue",
            "--cpus-per-task=\(resources.cpusPerTask)",
        ]
        if let partition = resources.partition { options.append("--partition=\(partition)") }
        if let account = resources.account { options.append("--account=\(account)") }
        if let memory = resources.memory { options.append("--mem=\(memory)") }
        if let time = resources.time { options.append("--time=\(time)") }
        options += resources.extraOptions
        let command = [
            Self.shellQuoted(winnow), name, "--work", Self.shellQuoted(plan.workDirectory), "--task",
            "\"$SLURM_ARRAY_TASK_ID\"",
            "--jobs", "\"${SLURM_CPUS_PER_TASK:-1}\"",
        ].joined(separator: " ")
        return """
            #!/bin/bash
            # winnow \(name): \(plan.tasks(of: phase)) task(s) of the plan in \(plan.workDirectory); written by `winnow slurm`.
            \(options.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            set -u
            attempts=\(retries + 1)
            for attempt in $(seq "$attempts"); do
              echo "winnow \(name) task $SLURM_ARRAY_TASK_ID: attempt $attempt of $attempts on $(hostname) at $(date -u +%FT%TZ)"
              \(command) && exit 0
              status=$?
              echo "winnow \(name) task $SLURM_ARRAY_TASK_ID: attempt $attempt failed (exit $status)"
              [ "$attempt" -lt "$attempts" ] && sleep $((attempt * 5))
            done
            exit 1

            """
    }
}
