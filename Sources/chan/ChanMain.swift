import ArgumentParser
import ChanAPI
import ChanCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry point: moves leading global options into the environment, runs the command, and
/// turns every failure into the JSON error of DESIGN.md section 7: exit 64 for a mistake in
/// the command line (with the usage line and a pointer to --help), 1 for everything else.
@main
enum ChanMain {
    /// A process may inherit blocked signals from its parent (a test runner's thread, say):
    /// Ctrl-C, SIGTERM and `kill` must reach every chan command and daemon all the same.
    static func unblockSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }

    static func main() async {
        unblockSignals()
        var arguments = Array(CommandLine.arguments.dropFirst())
        OutputLayout.absorbFlag(&arguments)
        GlobalOptions.absorbLeading(&arguments)
        var command = parse(arguments)
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CodedError {
            if (error as? any ArgumentMistake)?.isAboutArguments == true {
                usageError(code: error.code, message: error.message, command: type(of: command))
            }
            Output.error(code: error.code, message: error.message, details: (error as? APIError)?.details)
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let status = Chan.exitCode(for: error)
            if status == .success { Chan.exit(withError: error) }
            if status != .validationFailure {
                // Not a usage error and not one of ours: report it rather than blame the user.
                Output.error(code: "internal_error", message: Chan.message(for: error))
                exit(1)
            }
            usageError(code: "usage", message: Chan.message(for: error), command: type(of: command))
        }
    }

    /// The command the arguments name, or the process ends with the usage error they make
    /// (or with the help, version or completion script they ask for).
    static func parse(_ arguments: [String]) -> ParsableCommand {
        if arguments.first == "help", let tree = CommandTree.root(),
           let diagnosis = UsageDiagnosis.helpTopic(Array(arguments.dropFirst()), tree: tree) {
            fail(diagnosis)
        }
        do {
            return try Chan.parseAsRoot(arguments)
        } catch {
            if Chan.exitCode(for: error) == .success { Chan.exit(withError: error) }
            guard let tree = CommandTree.root(), let diagnosis = UsageDiagnosis.of(arguments, tree: tree) else { failParsing(error) }
            guard case .negativeNumbers(let rewritten) = diagnosis else { fail(diagnosis) }
            // The parser took a negative number for an option: parse it as a value, so that
            // the command's own checks say what the value must be.
            do { return try Chan.parseAsRoot(rewritten) } catch { failParsing(error) }
        }
    }

    private static func fail(_ diagnosis: UsageDiagnosis) -> Never {
        Output.error(code: diagnosis.errorCode, message: diagnosis.message)
        exit(64)
    }

    /// ArgumentParser's own message, with its usage line and --help pointer.
    private static func failParsing(_ error: Error) -> Never {
        var message = Chan.fullMessage(for: error)
        if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
        Output.error(code: "usage", message: message.trimmingSuffixWhitespace())
        exit(64)
    }

    /// One of our own argument errors: its message, the command's usage line and --help.
    private static func usageError(code: String, message: String, command: ParsableCommand.Type) -> Never {
        let path = CommandPath.of(command).joined(separator: " ")
        Output.error(code: code, message: "\(message)\nUsage: \(Chan.usageString(for: command))\n  See '\(path) --help' for more information.")
        exit(64)
    }
}

struct Chan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chan",
        abstract: "A Lightning-like payment channel network on a built-in toy ledger.",
        discussion: """
            Every command prints JSON on stdout. Errors are printed as \
            {"error": {"code": ..., "message": ...}} on stderr with a non-zero exit status \
            (64 for usage errors). Amounts: a bare integer is satoshis; the suffixes sat, \
            msat and btc say the unit.
            """,
        version: "0.1.0",
        subcommands: CommandRegistry.all
    )

    @OptionGroup var global: GlobalOptions
}

/// The names that lead to a command type: `["chan", "ledger", "faucet"]`.
enum CommandPath {
    static func of(_ target: ParsableCommand.Type, from root: ParsableCommand.Type = Chan.self) -> [String] {
        find(target, from: root) ?? ["chan"]
    }

    private static func find(_ target: ParsableCommand.Type, from root: ParsableCommand.Type) -> [String]? {
        let name = root.configuration.commandName ?? ""
        if ObjectIdentifier(root) == ObjectIdentifier(target) { return [name] }
        for subcommand in root.configuration.subcommands {
            if let rest = find(target, from: subcommand) { return [name] + rest }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingSuffixWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
