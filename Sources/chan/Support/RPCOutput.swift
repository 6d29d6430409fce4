import ChanAPI
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Output {
    /// Prints the `result` of a daemon's answer line the way `json` prints our own values.
    /// With `human`, the table `Human.table(for: method)` makes of it instead.
    static func rpcResult(_ line: [UInt8], method: String, human: Bool = false) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let result = object["result"] else {
            throw APIError(code: "bad_response", message: "the daemon's answer has no result")
        }
        try show(result, method: method, human: human)
    }

    /// A value of ours (encoded as the daemon would) as JSON or as a table.
    static func result<T: Encodable>(_ value: T, method: String, human: Bool) throws {
        try show(try JSONSerialization.jsonObject(with: Data(try RPCJSON.line(value))), method: method, human: human)
    }

    private static func show(_ result: Any, method: String, human: Bool) throws {
        if human, let table = Human.table(for: method, result) {
            write(to: STDOUT_FILENO, Array(table.utf8) + [0x0a])
        } else {
            write(to: STDOUT_FILENO, Array(try pretty(result)) + [0x0a])
        }
    }

    /// One line of an `events` stream: the event, compact.
    static func eventLine(_ line: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let params = object["params"],
              let data = try? JSONSerialization.data(withJSONObject: params, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        write(to: STDOUT_FILENO, Array(data) + [0x0a])
    }

    private static func pretty(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    }
}
