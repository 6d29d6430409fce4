import ArgumentParser
import ChanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--home DIR`, for the commands that act on the home but on no node (ledger, node
/// management, network): their help shows no `-n`. `CHAN_HOME` sets the same.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: "The network's home directory (default: $CHAN_HOME or ~/.chan).")
    var home: String?

    var resolvedHome: Home { Home.resolve(option: home) }
}

/// `--home DIR` and `-n|--node NAME`, for the commands that act as a node; accepted before the
/// subcommand (`chan -n alice address`) or after it (`chan address -n alice`); `CHAN_HOME` and
/// `CHAN_NODE` set the same. A command that acts on no node ignores `-n` (the root accepts it
/// anywhere) as it ignores `CHAN_NODE`.
struct GlobalOptions: ParsableArguments {
    @OptionGroup var homeOptions: HomeOptions

    @Option(name: [.short, .long], help: "The local node to act as (default: $CHAN_NODE).",
            completion: .custom { _, _, _ in GlobalOptions.nodeNames() })
    var node: String?

    var resolvedHome: Home { homeOptions.resolvedHome }

    /// The nodes of the home in `CHAN_HOME` (or ~/.chan), for shell completion of `-n`.
    static func nodeNames() -> [String] {
        (try? LocalNode.list(home: Home.resolve(option: nil)).map(\.name)) ?? []
    }

    /// The node name from `-n`, else `CHAN_NODE`; a usage error when neither is given.
    func requireNode() throws -> String {
        if let node, !node.isEmpty { return node }
        if let env = getenv("CHAN_NODE"), let name = String(validatingCString: env), !name.isEmpty {
            return name
        }
        throw ValidationError("this command needs a node: pass -n NAME or set CHAN_NODE")
    }

    /// Global options given before the subcommand name are moved into the environment, so
    /// every subcommand sees them without each parser accepting them in that position.
    static func absorbLeading(_ arguments: inout [String]) {
        let index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let argument = arguments[index]
            let (flag, inlineValue): (String, String?) = {
                if let eq = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                    return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
                }
                return (argument, nil)
            }()
            let variable: String
            switch flag {
            case "--home": variable = "CHAN_HOME"
            case "-n", "--node": variable = "CHAN_NODE"
            default: return
            }
            if let inlineValue {
                setenv(variable, inlineValue, 1)
                arguments.remove(at: index)
            } else if index + 1 < arguments.count {
                setenv(variable, arguments[index + 1], 1)
                arguments.removeSubrange(index...(index + 1))
            } else {
                return
            }
        }
    }
}
