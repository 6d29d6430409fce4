import ChanAPI
import ChanStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Output {
    /// Something the user should know that did not stop the command: one
    /// `{"warning": {"code", "message"}}` line on stderr (stdout keeps the result alone).
    static func warning(code: String, message: String) {
        write(to: STDERR_FILENO, JSONWriter(layout: .compact).bytes(envelope("warning", code: code, message: message)) + [0x0a])
    }

    /// Restricts an existing home to its owner, with a warning when it was open to others.
    static func restrictPermissions(of home: Home) {
        guard let previous = home.restrictPermissions() else { return }
        warning(code: "home_permissions_restricted",
                message: "\(home.path) was mode \(String(previous, radix: 8)); now \(String(previous & 0o700, radix: 8)), as it holds node seeds")
    }
}
