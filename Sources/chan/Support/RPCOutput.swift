import ChanAPI
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Output {
    /// Prints the `result` of a daemon's answer line the way `json` prints our own values.
    static func rpcResult(_ line: [UInt8]) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let result = object["result"] else {
            throw APIError(code: "bad_response", message: "the daemon's answer has no result")
        }
        write(to: STDOUT_FILENO, Array(try pretty(result)) + [0x0a])
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
