import ArgumentParser
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
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        GlobalOptions.absorbLeading(&arguments)
        do {
            var command = try Chan.parseAsRoot(arguments)
            try command.run()
        } catch let error as CodedError {
            Output.error(code: error.code, message: error.message)
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            if Chan.exitCode(for: error) == .success { Chan.exit(withError: error) }
            Output.error(code: "usage", message: Chan.message(for: error))
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
