/// What is wrong with a command line that did not parse, found by walking it along the
/// command tree: a misspelt command or option (named, with the closest real one), or negative
/// numbers that the parser took for options (given back so that the command's own checks
/// judge them, with the error that value deserves).
enum UsageDiagnosis {
    case unknownCommand(path: [String], word: String, suggestion: String?)
    case unknownOption(path: [String], option: String, suggestion: String?)
    /// The same command line with negative numbers where the parser accepts them: `--opt=-5`,
    /// positionals after `--`.
    case negativeNumbers([String])

    var errorCode: String {
        switch self {
        case .unknownCommand: "unknown_command"
        case .unknownOption: "unknown_option"
        case .negativeNumbers: "usage"
        }
    }

    var message: String {
        switch self {
        case .unknownCommand(let path, let word, let suggestion):
            "unknown command '\(word)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + "\nsee '\(path.joined(separator: " ")) --help'"
        case .unknownOption(let path, let option, let suggestion):
            "unknown option '\(option)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "") + "\nsee '\(path.joined(separator: " ")) --help'"
        case .negativeNumbers:
            "negative numbers"
        }
    }

    /// `chan help WORDS...`: the words must name a command.
    static func helpTopic(_ words: [String], tree: CommandTree) -> UsageDiagnosis? {
        var node = tree
        var path = [tree.name]
        for word in words where !word.hasPrefix("-") {
            guard let next = node.subcommand(word) else {
                return .unknownCommand(path: path, word: word, suggestion: EditDistance.suggestion(for: word, among: node.subcommands.map(\.name)))
            }
            node = next
            path.append(word)
        }
        return nil
    }

    /// Options the root accepts that the dump of the tree leaves out.
    private static let rootExtras = [CommandTree.Option(names: ["--version"], takesValue: false),
                                     CommandTree.Option(names: ["--generate-completion-script"], takesValue: true)]

    static func of(_ arguments: [String], tree: CommandTree) -> UsageDiagnosis? {
        var node = tree
        var path = [tree.name]
        // A parent's options are accepted after its subcommands too (`chan ledger info -n x`).
        var inherited = rootExtras
        var rewritten: [String] = []
        var positionals: [String] = []
        var sawNegative = false, negativePositional = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            if isNegativeNumber(argument) {
                sawNegative = true
                negativePositional = true
                positionals.append(argument)
                continue
            }
            if argument.hasPrefix("-"), argument != "-" {
                let name = argument.hasPrefix("--") ? String(argument.prefix { $0 != "=" }) : String(argument.prefix(2))
                let known = node.options + inherited
                guard let option = known.first(where: { $0.names.contains(name) }) else {
                    let candidates = known.flatMap(\.names).filter { $0.hasPrefix("--") == name.hasPrefix("--") }
                    return .unknownOption(path: path, option: name, suggestion: EditDistance.suggestion(for: name, among: candidates))
                }
                if option.takesValue, !argument.contains("="), argument.count == name.count, index < arguments.count {
                    let value = arguments[index]
                    index += 1
                    if isNegativeNumber(value) {
                        sawNegative = true
                        rewritten.append("\(name.hasPrefix("--") ? name + "=" : name)\(value)")
                    } else {
                        rewritten += [argument, value]
                    }
                } else {
                    rewritten.append(argument)
                }
                continue
            }
            if positionals.isEmpty, let next = node.subcommand(argument) {
                inherited += node.options
                node = next
                path.append(argument)
                rewritten.append(argument)
                continue
            }
            if positionals.isEmpty, !node.subcommands.isEmpty, node.positionalCount == 0 {
                return .unknownCommand(path: path, word: argument, suggestion: EditDistance.suggestion(for: argument, among: node.subcommands.map(\.name)))
            }
            positionals.append(argument)
        }
        guard sawNegative else { return nil }
        return .negativeNumbers(negativePositional ? rewritten + ["--"] + positionals : rewritten + positionals)
    }

    /// `-5`, `-0.5btc`: what a user meant as a negative number, not an option.
    static func isNegativeNumber(_ argument: String) -> Bool {
        let rest = argument.utf8.dropFirst()
        guard argument.hasPrefix("-"), let first = rest.first else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        return isDigit(first) || (first == UInt8(ascii: ".") && rest.dropFirst().first.map(isDigit) == true)
    }
}
