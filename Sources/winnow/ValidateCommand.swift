import ArgumentParser
import Winnow

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Checks a pipeline file: exit 0, or an error naming file:line:column and what was expected (exit 2)."
    )

    @Argument(help: "The pipeline file (YAML or JSON).")
    var pipeline: String

    func run() throws {
        let loaded = try loadPipeline(pipeline)
        print("\(pipeline): ok (\(loaded.steps.map(\.name).joined(separator: " → ")))")
    }
}
