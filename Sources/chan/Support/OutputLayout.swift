#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChanAPI

/// `--compact`: every result on one line instead of indented. A global flag, accepted anywhere
/// before a `--` (`chan --compact info`, `chan info --compact`); `CHAN_COMPACT=1` sets the same.
enum OutputLayout {
    static let flag = "--compact"
    static let variable = "CHAN_COMPACT"

    static var current: JSONWriter.Layout {
        guard let value = getenv(variable), let text = String(validatingCString: value) else { return .pretty }
        return ["", "0", "false", "no"].contains(text) ? .pretty : .compact
    }

    /// Takes `--compact` out of the arguments (no subcommand declares it) and records it in
    /// the environment, where `current` finds it.
    static func absorbFlag(_ arguments: inout [String]) {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        guard arguments[..<end].contains(flag) else { return }
        arguments = arguments[..<end].filter { $0 != flag } + arguments[end...]
        setenv(variable, "1", 1)
    }
}
