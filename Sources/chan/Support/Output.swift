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

    /// `details`: an object beside code and message (keys in snake_case), for errors that carry one.
    static func error(code: String, message: String, details: (any Encodable)? = nil) {
        struct Details: Encodable {
            let value: any Encodable
            func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
        }
        struct Body: Encodable { let code: String; let message: String; let details: Details? }
        struct Envelope: Encodable { let error: Body }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(code: code, message: message, details: details.map(Details.init))
        let data = (try? encoder.encode(Envelope(error: body))) ?? Data()
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
