import ChanAPI
import Foundation

extension Output {
    /// Prints the `result` of a daemon's answer line the way `json` prints our own values.
    /// With `human`, the table `Human.table(for: method)` makes of it instead.
    static func rpcResult(_ line: [UInt8], method: String, human: Bool = false) throws {
        let answer: JSONValue
        do { answer = try JSONParser().parse(line) } catch {
            throw APIError(code: "bad_response", message: "the daemon's answer is not JSON: \(error)")
        }
        guard let result = answer["result"] else {
            throw APIError(code: "bad_response", message: "the daemon's answer has no result")
        }
        show(result, method: method, human: human)
    }

    /// A value of ours (encoded as the daemon would) as JSON or as a table.
    static func result<T: Encodable>(_ value: T, method: String, human: Bool) throws {
        show(try JSONValueEncoder().encode(value), method: method, human: human)
    }

    private static func show(_ result: JSONValue, method: String, human: Bool) {
        if human, let table = Human.table(for: method, result.foundationObject) {
            write(to: STDOUT_FILENO, Array(table.utf8) + [0x0a])
        } else {
            emit(result)
        }
    }

    /// One line of an `events` stream: the event, compact whatever the layout.
    static func eventLine(_ line: [UInt8]) {
        guard let params = (try? JSONParser().parse(line))?["params"] else { return }
        emitLine(params)
    }
}

extension JSONValue {
    /// As `JSONSerialization` would have read it, for the tables of `Human`.
    var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let flag): NSNumber(value: flag)
        case .integer(let number): NSNumber(value: number)
        case .unsigned(let number): NSNumber(value: number)
        case .double(let number): NSNumber(value: number)
        case .string(let text): text
        case .array(let elements): elements.map(\.foundationObject)
        case .object(let members): members.mapValues(\.foundationObject)
        }
    }
}
