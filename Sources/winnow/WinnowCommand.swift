import ArgumentParser
import CBuildInfo
import CPlatform
import Foundation
import Winnow

/// The `winnow` command line: a thin layer over the `Winnow` library.
@main
struct WinnowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Turns article batches into clean, annotated, de-duplicated JSONL.",
        discussion:
            "Exit codes: 0 success, 1 runtime failure (unreadable input, write error), 2 usage or pipeline-file error, 130 interrupted (SIGINT), 143 terminated (SIGTERM).",
        version: "winnow \(Winnow.version) (commit \(String(cString: winnow_build_commit())))",
        subcommands: [
            RunCommand.self, ValidateCommand.self, StagesCommand.self, BenchCommand.self, StatsCommand.self,
            ReportCommand.self,
            PlanCommand.self, SlurmCommand.self, PhaseSubcommand<CountLinesPhase>.self,
            PhaseSubcommand<MergeLinesPhase>.self, PhaseSubcommand<MapPhase>.self,
            PhaseSubcommand<BucketsPhase>.self, PhaseSubcommand<ClustersPhase>.self, PhaseSubcommand<ReducePhase>.self,
        ]
    )

    /// Parses and runs a subcommand, mapping argument errors to exit code 2 as the interface contract says.
    static func main() async {
        // Batches are ≈ 1 MB buffers allocated and freed all the time; glibc would serve each from a fresh mmap
        // and zero its pages (15% of a decode + clean run in `perf`). Keeping them on the heap reuses the memory.
        #if os(Linux)
        mallopt(M_MMAP_THRESHOLD, 64 << 20)
        mallopt(M_TRIM_THRESHOLD, 128 << 20)
        #endif
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Writes a line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Loads a pipeline file or exits with code 2 and the positioned error.
func loadPipeline(_ path: String) throws -> Pipeline {
    do {
        return try Pipeline.load(path: path)
    } catch {
        printError("winnow: \(error)")
        throw ExitCode(2)
    }
}

/// Expands inputs given on the command line, else the pipeline's `input.paths`; exits 2 when there are none and 1
/// when a path does not exist or an entry of a directory cannot be read (every one is named).
/// `path` with `.` pieces and `name/..` pairs taken out (as Python's `os.path.normpath`), so that a pipeline file's
/// `../Samples` read from `Pipelines/` shows as `Samples`.
func normalized(_ path: String) -> String {
    var pieces: [Substring] = []
    for piece in path.split(separator: "/", omittingEmptySubsequences: true) where piece != "." {
        if piece == "..", let last = pieces.last, last != ".." { pieces.removeLast() } else { pieces.append(piece) }
    }
    let joined = pieces.joined(separator: "/")
    return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
}

func resolveInputs(_ arguments: [String], pipeline: Pipeline, pipelinePath: String) throws -> InputListing {
    // The pipeline file's paths are its own: relative ones start at the file's folder, wherever winnow runs from.
    let folder = pipelinePath.contains("/") ? String(pipelinePath[..<pipelinePath.lastIndex(of: "/")!]) : "."
    let paths =
        arguments.isEmpty
        ? pipeline.inputPaths.map { $0 == "-" || $0.hasPrefix("/") ? $0 : normalized(folder + "/" + $0) } : arguments
    guard !paths.isEmpty else {
        printError(
            "winnow: no inputs: give INPUT paths (or - for stdin), or list them under input.paths in \(pipelinePath)")
        throw ExitCode(2)
    }
    do {
        return try InputFile.list(paths)
    } catch {
        printError("winnow: \(error)")
        throw ExitCode(1)
    }
}
