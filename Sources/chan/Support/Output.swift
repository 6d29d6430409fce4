import ChanAPI
import ChanCrypto
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON on stdout for results, JSON on stderr for errors (DESIGN.md section 7), all through one
/// writer: sorted snake_case keys, `null` for an absent optional, `[]`/`{}` for empties,
/// integers beyond 2^53 - 1 as strings, pretty unless `--compact` (`OutputLayout`).
enum Output {
    static var writer: JSONWriter { JSONWriter(layout: OutputLayout.current, largeIntegers: .string) }

    static func json<T: Encodable>(_ value: T) throws {
        emit(try JSONValueEncoder().encode(value))
    }

    /// `value` on one line whatever the layout: one record of an NDJSON stream.
    static func jsonLine<T: Encodable>(_ value: T) throws {
        emitLine(try JSONValueEncoder().encode(value))
    }

    static func emitLine(_ value: JSONValue) {
        write(to: STDOUT_FILENO, JSONWriter(layout: .compact, largeIntegers: .string).bytes(value) + [0x0a])
    }

    /// A JSON value, as every result is printed.
    static func emit(_ value: JSONValue) {
        write(to: STDOUT_FILENO, writer.bytes(value) + [0x0a])
    }

    /// `details`: an object beside code and message, for errors that carry one (`--explain`).
    static func error(code: String, message: String, details: JSONValue? = nil) {
        write(to: STDERR_FILENO, JSONWriter(layout: .compact).bytes(envelope("error", code: code, message: message, details: details)) + [0x0a])
    }

    /// `{"error": {"code", "message"}}` (or `"warning"`): how every failure is reported.
    static func envelope(_ kind: String, code: String, message: String, details: JSONValue? = nil) -> JSONValue {
        var body: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { body["details"] = details }
        return .object([kind: .object(body)])
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
