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
            for field in kind.outputFields { print("    \(field.name) (\(field.type)): \(field.help)") }
            print("")
        }
        print("""
        output record: one JSON object a line. id and text always; each other field has the one type listed above on
          every record that has it (a field that does not apply is absent, language may be null); metadata holds the
          input's other fields. output.fields: {include: [...]} or {exclude: [...]} chooses the fields written (id and
          text always), output.rejects_fields the same for rejects; output.profile: winnow (above), datatrove (every
          field but id and text under metadata) or dolma (id, text, source, added, created, metadata).
        """)
    }
}
