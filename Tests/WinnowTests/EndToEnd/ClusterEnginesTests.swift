import Foundation
import Testing
@testable import Winnow

/// Issue 20: the phases run on the two engines — Slurm job arrays (`winnow slurm`) and Ray tasks (`winnow_ray`) —
/// over 8 shards of a corpus with planted cross-shard duplicates, with one task failing once on the way, and write the
/// single-process run's output byte for byte. The engines' tests run when `Scripts/test.sh` has started a local Slurm
/// (`WINNOW_SLURM=1`) or found a Python with Ray (`WINNOW_RAY_PYTHON`).
@Suite(
    .enabled(
        if: TestSupport.winnowBinary != nil, "skipped: needs the winnow executable built beside the tests (swift build)"
    ))
struct ClusterEnginesTests {
    static let environment = ProcessInfo.processInfo.environment
    static let pipelineText =
        "version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 0}\n  - dedup: {}\n  - stats: {}\n"

    /// A corpus, its single-process output and rejects, and a `winnow` wrapper whose map task 3 fails the first time.
    struct Setup {
        var directory: URL
        var pipeline: URL
        var input: URL
        var planted: Set<String>
        var single: (output: [UInt8], rejects: [UInt8])
        var flakyWinnow: URL
        var flakeMarker: URL

        init() throws {
            directory = TestSupport.temporaryDirectory()
            let corpus = try ClusterPhasesTests.corpus(in: directory)
            input = corpus.input
            planted = corpus.planted.exact
            pipeline = directory.appendingPathComponent("p.yaml")
            try ClusterEnginesTests.pipelineText.write(to: pipeline, atomically: true, encoding: .utf8)
            let rejects = directory.appendingPathComponent("single-rejects.jsonl")
            let run = try TestSupport.runWinnow([
                "run", pipeline.path, input.path, "--no-progress", "--rejects", rejects.path,
            ])
            guard run.status == 0 else { throw CocoaError(.executableLoad) }
            single = (Array(run.stdout), try FileSource.contents(of: rejects.path))
            flakeMarker = directory.appendingPathComponent("flaked")
            flakyWinnow = directory.appendingPathComponent("flaky-winnow")
            try """
            #!/bin/sh
            # map task 3 fails on its first attempt: the engine must run it again.
            if [ "$1" = map ] && [ "$5" = 3 ] && [ ! -e '\(flakeMarker.path)' ]; then
              touch '\(flakeMarker.path)'; echo "flaky-winnow: failing map 3 once" >&2; exit 1
            fi
            exec '\(TestSupport.winnowBinary!.path)' "$@"

            """.write(to: flakyWinnow, atomically: true, encoding: .utf8)
            chmod(flakyWinnow.path, 0o755)
        }

        /// The work directory's outputs and rejects, shard after shard, against the single-process run's.
        func expectSameOutput(_ work: URL, shards: Int, _ engine: String) throws {
            let (output, rejects) = try ClusterPhasesTests.outputs(of: work, shards: shards)
            #expect(output == single.output, "\(engine): the output differs from the single-process run's")
            #expect(rejects == single.rejects, "\(engine): the rejects differ from the single-process run's")
            let rejected = String(decoding: rejects, as: UTF8.self)
            #expect(
                planted.allSatisfy { rejected.contains(#""id":"\#($0)""#) }, "\(engine): a planted exact copy was kept")
            #expect(!rejected.contains(#""id":"d"#), "\(engine): an original document was removed")
            #expect(FileManager.default.fileExists(atPath: flakeMarker.path), "\(engine): the failing task never ran")
        }
    }

    @Test(
        .enabled(
            if: environment["WINNOW_SLURM"] == "1",
            "skipped: needs a running Slurm (Scripts/test.sh starts one and sets WINNOW_SLURM=1)"))
    func slurmJobArraysWriteTheSingleProcessOutput() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let work = setup.directory.appendingPathComponent("work")
        let arguments = [
            "slurm", setup.pipeline.path, setup.input.path, "--shards", "8", "--buckets", "3", "--work", work.path,
            "--winnow", setup.flakyWinnow.path, "--retries", "1", "--mem", "500M", "--time", "10:00", "--wait",
        ]
        let submitted = try TestSupport.runWinnow(arguments)
        let printed = String(decoding: submitted.stdout + submitted.stderr, as: UTF8.self)
        #expect(submitted.status == 0, "\(printed)")
        #expect(printed.contains("map: job") && printed.contains("reduce: job"), "\(printed)")
        try setup.expectSameOutput(work, shards: 8, "slurm")
        let log = String(
            decoding: try FileSource.contents(of: work.appendingPathComponent("logs/map-3.log").path), as: UTF8.self)
        #expect(log.contains("attempt 1 failed") && log.contains("attempt 2 of 2"), "map 3's log: \(log)")
        let again = try TestSupport.runWinnow(arguments)
        #expect(again.status == 0 && String(decoding: again.stdout, as: UTF8.self).contains("every task of the plan"))
    }

    @Test(
        .enabled(
            if: environment["WINNOW_RAY_PYTHON"] != nil,
            "skipped: needs a Python with Ray and winnow_ray (WINNOW_RAY_PYTHON)"))
    func rayTasksWriteTheSingleProcessOutput() throws {
        let setup = try Setup()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let work = setup.directory.appendingPathComponent("work")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.environment["WINNOW_RAY_PYTHON"]!)
        process.arguments = [
            "-m", "winnow_ray", setup.pipeline.path, setup.input.path, "--shards", "8", "--buckets", "3", "--work",
            work.path,
            "--winnow", setup.flakyWinnow.path, "--num-cpus", "2",
        ]
        let log = setup.directory.appendingPathComponent("ray.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: try FileSource.contents(of: log.path), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(printed.suffix(3000))")
        try setup.expectSameOutput(work, shards: 8, "ray")
    }

    @Test func aDryRunPrintsOneArrayPerPhaseAndWritesNothing() throws {
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, input) = try ClusterPhasesTests.corpus(in: directory, files: 4)
        let pipeline = directory.appendingPathComponent("p.yaml")
        try Self.pipelineText.write(to: pipeline, atomically: true, encoding: .utf8)
        let work = directory.appendingPathComponent("work")
        let result = try TestSupport.runWinnow([
            "slurm", pipeline.path, input.path, "--shards", "4", "--buckets", "2", "--work", work.path,
            "--partition", "short", "--cpus", "4", "--mem", "8G", "--time", "1:00:00", "--dry-run",
        ])
        let printed = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        for line in [
            "#SBATCH --array=0-3", "#SBATCH --array=0-1", "#SBATCH --array=0", "#SBATCH --partition=short",
            "#SBATCH --cpus-per-task=4",
            "#SBATCH --mem=8G", "#SBATCH --time=1:00:00", "--dependency=afterok:<map job> --kill-on-invalid-dep=yes",
        ] {
            #expect(printed.contains(line), "no '\(line)' in the dry run")
        }
        #expect(printed.components(separatedBy: "#!/bin/bash").count - 1 == 4)
        #expect(!FileManager.default.fileExists(atPath: work.path), "a dry run wrote the work directory")
    }

    @Test func arraysListOnlyTheTasksLeftAndQuoteTheirPaths() throws {
        #expect(SlurmJobs.arraySpecification([0, 1, 2, 5, 9, 10, 11]) == "0-2,5,9-11")
        #expect(SlurmJobs.arraySpecification([4]) == "4")
        #expect(SlurmJobs.shellQuoted("/shared/bin/winnow") == "/shared/bin/winnow")
        #expect(SlurmJobs.shellQuoted("/my dir/it's") == #"'/my dir/it'\''s'"#)
        let directory = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = ClusterPlan(
            workDirectory: directory.path, pipelinePath: "p.yaml",
            inputs: (0..<6).map { InputFile(path: "in/\($0).jsonl", size: 10) }, shards: 6, buckets: 2,
            phases: [.map, .buckets, .clusters, .reduce])
        for task in [0, 1, 4] { try ClusterFiles.write([], to: plan.marker(.map, task)) }
        for task in 0..<2 { try ClusterFiles.write([], to: plan.marker(.buckets, task)) }
        let jobs = SlurmJobs(plan: plan, winnow: "winnow", resources: .init(maxRunning: 2)).jobs()
        #expect(jobs.map(\.phase) == [.map, .clusters, .reduce])
        #expect(jobs[0].tasks == [2, 3, 5] && jobs[0].script.contains("#SBATCH --array=2-3,5%2"))
        #expect(jobs[0].script.contains(#"--task "$SLURM_ARRAY_TASK_ID""#) && jobs[0].script.contains("attempts=3"))
    }
}
