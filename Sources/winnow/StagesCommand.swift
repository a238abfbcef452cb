import ArgumentParser
import Winnow

struct StagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stages",
        abstract: "Lists every stage with its options (type, default) and the output fields it adds."
    )

    func run() {
        for kind in StageKind.all {
            print("\(kind.name): \(kind.summary)")
            if kind.options.isEmpty {
                print("  options: none")
            } else {
                print("  options:")
                for option in kind.options {
                    print("    \(option.name): \(option.type) = \(option.defaultValue)")
                    print("        \(option.help)")
                }
            }
            print("  output fields:")
            for field in kind.outputFields { print("    \(field.name): \(field.help)") }
            print("")
        }
    }
}
