import ChanCrypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON on stdout for results, JSON on stderr for errors (DESIGN.md section 7).
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        write(to: STDOUT_FILENO, Array(data) + [0x0a])
    }

    static func error(code: String, message: String) {
        struct Body: Encodable { let code: String; let message: String }
        struct Envelope: Encodable { let error: Body }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Envelope(error: Body(code: code, message: message)))) ?? Data()
        write(to: STDERR_FILENO, Array(data) + [0x0a])
    }

    /// Writes all bytes, retrying short writes (stdout may be a pipe).
    static func write(to descriptor: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
