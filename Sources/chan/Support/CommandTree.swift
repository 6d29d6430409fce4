import ArgumentParser
import Foundation

/// The commands and options of `chan`, as swift-argument-parser describes them (its
/// `--experimental-dump-help` output): what the usage diagnosis walks to name a misspelt
/// command or option. Built only when parsing failed.
struct CommandTree {
    struct Option {
        /// With their dashes: `--graph`, `-n`.
        let names: [String]
        let takesValue: Bool
    }

    let name: String
    let subcommands: [CommandTree]
    let options: [Option]
    let positionalCount: Int

    /// The whole tree of `chan`.
    static func root() -> CommandTree? {
        do {
            _ = try Chan.parseAsRoot(["--experimental-dump-help"])
            return nil
        } catch {
            let dump = Chan.fullMessage(for: error)
            guard let object = try? JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any],
                  let command = object["command"] as? [String: Any] else { return nil }
            return CommandTree(command)
        }
    }

    private init(_ info: [String: Any]) {
        name = info["commandName"] as? String ?? ""
        subcommands = (info["subcommands"] as? [[String: Any]] ?? []).map(CommandTree.init)
        let arguments = info["arguments"] as? [[String: Any]] ?? []
        options = arguments.compactMap { argument in
            let kind = argument["kind"] as? String
            guard kind == "option" || kind == "flag" else { return nil }
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                guard let text = name["name"] as? String else { return nil }
                return (name["kind"] as? String == "long" ? "--" : "-") + text
            }
            return Option(names: names, takesValue: kind == "option")
        } + [Option(names: ["-h", "--help"], takesValue: false)]
        positionalCount = arguments.filter { $0["kind"] as? String == "positional" }.count
    }

    func subcommand(_ name: String) -> CommandTree? { subcommands.first { $0.name == name } }

    func option(_ name: String) -> Option? { options.first { $0.names.contains(name) } }
}
