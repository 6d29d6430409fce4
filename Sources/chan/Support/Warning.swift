import ChanStore
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Output {
    /// Something the user should know that did not stop the command: one
    /// `{"warning": {"code", "message"}}` line on stderr (stdout keeps the result alone).
    static func warning(code: String, message: String) {
        struct Body: Encodable { let code: String; let message: String }
        struct Envelope: Encodable { let warning: Body }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Envelope(warning: Body(code: code, message: message))) else { return }
        write(to: STDERR_FILENO, Array(data) + [0x0a])
    }

    /// Restricts an existing home to its owner, with a warning when it was open to others.
    static func restrictPermissions(of home: Home) {
        guard let previous = home.restrictPermissions() else { return }
        warning(code: "home_permissions_restricted",
                message: "\(home.path) was mode \(String(previous, radix: 8)); now \(String(previous & 0o700, radix: 8)), as it holds node seeds")
    }
}
