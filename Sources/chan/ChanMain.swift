import ArgumentParser
import ChanAPI
import ChanCrypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry point: moves leading global options into the environment, runs the command, and
/// turns every failure into the JSON error of DESIGN.md section 7.
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
        do {
            var command = try Chan.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CodedError {
            Output.error(code: error.code, message: error.message, details: (error as? DetailedError)?.details)
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
            if let negative = arguments.first(where: isNegativeNumber) {
                // The parser reads "-5" as an unknown option; say what is really wrong.
                Output.error(code: "invalid_amount", message: "'\(negative)' is negative: amounts and counts must be positive")
            } else {
                Output.error(code: "usage", message: Chan.message(for: error))
            }
            exit(64)
        }
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

/// `-5`, `-0.5btc`: what a user meant as a negative number, not an option.
private func isNegativeNumber(_ argument: String) -> Bool {
    let rest = argument.utf8.dropFirst()
    guard argument.hasPrefix("-"), let first = rest.first else { return false }
    let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    return isDigit(first) || (first == UInt8(ascii: ".") && rest.dropFirst().first.map(isDigit) == true)
}
