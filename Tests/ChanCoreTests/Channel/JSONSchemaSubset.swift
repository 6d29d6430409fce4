import Foundation

/// A JSON value, decoded strictly enough to tell booleans, integers and other numbers apart.
indirect enum SchemaJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double, integral: Bool)
    case string(String)
    case array([SchemaJSON])
    case object([String: SchemaJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .number(Double(value), integral: true)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(Double(value), integral: true)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value, integral: value == value.rounded())
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([SchemaJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: SchemaJSON].self))
        }
    }

    static func parse(_ data: Data) throws -> SchemaJSON { try JSONDecoder().decode(SchemaJSON.self, from: data) }

    subscript(key: String) -> SchemaJSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }
}

/// Checks an instance against the subset of JSON Schema (draft 2020-12) our schemas use:
/// `type`, `enum`, `anyOf`, `$ref` to `#/$defs/...`, `required`, `properties`,
/// `additionalProperties: false`, `items`, `pattern`, `minimum`, `maximum`. Any other keyword
/// (annotations aside) is reported, so a schema never relies on one this checker ignores.
struct JSONSchemaSubset {
    let root: SchemaJSON

    private static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description"]
    private static let keywords: Set<String> = ["type", "enum", "anyOf", "$ref", "required", "properties",
                                                "additionalProperties", "items", "pattern", "minimum", "maximum"]

    /// Every violation, each with the path of the offending value; empty when the instance conforms.
    func violations(of instance: SchemaJSON) -> [String] {
        violations(of: instance, against: root, at: "$")
    }

    private func violations(of instance: SchemaJSON, against schema: SchemaJSON, at path: String) -> [String] {
        guard case .object(let rules) = schema else { return ["\(path): the schema is not an object"] }
        var found: [String] = []
        for keyword in rules.keys where !Self.keywords.contains(keyword) && !Self.annotations.contains(keyword) {
            found.append("\(path): unsupported schema keyword \(keyword)")
        }
        if let reference = rules["$ref"]?.string {
            let prefix = "#/$defs/"
            if reference.hasPrefix(prefix), let target = root["$defs"]?[String(reference.dropFirst(prefix.count))] {
                found += violations(of: instance, against: target, at: path)
            } else {
                found.append("\(path): unresolvable $ref \(reference)")
            }
        }
        if let type = rules["type"] {
            let allowed: [String] = switch type {
            case .string(let name): [name]
            case .array(let names): names.compactMap(\.string)
            case .null, .bool, .number, .object: []
            }
            if !allowed.contains(where: { Self.matches(instance, type: $0) }) {
                found.append("\(path): expected \(allowed.joined(separator: " or ")), found \(Self.describe(instance))")
            }
        }
        if case .array(let values) = rules["enum"], !values.contains(instance) {
            found.append("\(path): \(Self.describe(instance)) is not one of the allowed values")
        }
        if case .array(let alternatives) = rules["anyOf"],
           !alternatives.contains(where: { violations(of: instance, against: $0, at: path).isEmpty }) {
            found.append("\(path): matches none of anyOf")
        }
        switch instance {
        case .object(let members):
            if case .array(let required) = rules["required"] {
                for name in required.compactMap(\.string) where members[name] == nil {
                    found.append("\(path): required \(name) is missing")
                }
            }
            let properties: [String: SchemaJSON] = if case .object(let properties) = rules["properties"] { properties } else { [:] }
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    found += violations(of: value, against: property, at: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path): \(name) is not in the schema")
                }
            }
        case .array(let elements):
            if let items = rules["items"] {
                for (index, element) in elements.enumerated() {
                    found += violations(of: element, against: items, at: "\(path)[\(index)]")
                }
            }
        case .string(let text):
            if let pattern = rules["pattern"]?.string {
                let expression = try? NSRegularExpression(pattern: pattern)
                let range = NSRange(text.startIndex..., in: text)
                if expression?.firstMatch(in: text, range: range) == nil {
                    found.append("\(path): \(text) does not match \(pattern)")
                }
            }
        case .number(let value, _):
            if case .number(let minimum, _) = rules["minimum"], value < minimum { found.append("\(path): \(value) < \(minimum)") }
            if case .number(let maximum, _) = rules["maximum"], value > maximum { found.append("\(path): \(value) > \(maximum)") }
        case .null, .bool:
            break
        }
        return found
    }

    private static func matches(_ instance: SchemaJSON, type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string), ("array", .array), ("object", .object):
            true
        case ("integer", .number(_, let integral)):
            integral
        default:
            false
        }
    }

    private static func describe(_ instance: SchemaJSON) -> String {
        switch instance {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value, _): "\(value)"
        case .string(let text): "\"\(text)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
