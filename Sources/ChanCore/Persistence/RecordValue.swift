import ChanCrypto

/// The binary form of a persisted record (a channel record, a log entry): a small
/// self-describing tree, so that `Codable` values persist without a schema file and a field
/// added later (optional, or with a default) still reads old records.
///
/// Layout, frozen (a record's version number says which one wrote it):
/// - `0x00`: nil
/// - `0x01 len bytes`: a primitive (integers big-endian at their width, UTF-8 strings, raw bytes)
/// - `0x02 count (klen key value)*`: a keyed container (keys are the Swift property names)
/// - `0x03 count value*`: an unkeyed container
/// Lengths and counts are BigSize; every read is bounded by the bytes that remain.
enum RecordValue: Equatable, Sendable {
    case null
    case primitive([UInt8])
    case keyed([String: RecordValue])
    case unkeyed([RecordValue])

    /// How deep containers may nest in bytes read back (a damaged file must not overflow the stack).
    static let maximumDepth = 64

    func write(to writer: inout WireWriter) {
        switch self {
        case .null:
            writer.writeU8(0)
        case .primitive(let bytes):
            writer.writeU8(1)
            writer.writeBigSize(UInt64(bytes.count))
            writer.writeBytes(bytes)
        case .keyed(let entries):
            writer.writeU8(2)
            writer.writeBigSize(UInt64(entries.count))
            // Sorted keys: the same value always gives the same bytes.
            for key in entries.keys.sorted() {
                let name = Array(key.utf8)
                writer.writeBigSize(UInt64(name.count))
                writer.writeBytes(name)
                entries[key]!.write(to: &writer)
            }
        case .unkeyed(let elements):
            writer.writeU8(3)
            writer.writeBigSize(UInt64(elements.count))
            for element in elements { element.write(to: &writer) }
        }
    }

    static func read(from reader: inout WireReader, depth: Int = 0) throws(RecordError) -> RecordValue {
        guard depth < maximumDepth else { throw .malformed("containers nest deeper than \(maximumDepth)") }
        do {
            switch try reader.readU8() {
            case 0:
                return .null
            case 1:
                return .primitive(try reader.readBytes(try count(&reader)))
            case 2:
                let entries = try count(&reader)
                var keyed: [String: RecordValue] = [:]
                keyed.reserveCapacity(entries)
                for _ in 0..<entries {
                    let name = try reader.readBytes(try count(&reader))
                    guard let key = String(validating: name, as: UTF8.self) else { throw RecordError.malformed("a key is not UTF-8") }
                    guard keyed.updateValue(try read(from: &reader, depth: depth + 1), forKey: key) == nil else {
                        throw RecordError.malformed("key \(key) appears twice")
                    }
                }
                return .keyed(keyed)
            case 3:
                let elements = try count(&reader)
                var values: [RecordValue] = []
                values.reserveCapacity(elements)
                for _ in 0..<elements { values.append(try read(from: &reader, depth: depth + 1)) }
                return .unkeyed(values)
            case let tag:
                throw RecordError.malformed("unknown tag \(tag)")
            }
        } catch let error as RecordError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// A length or count, which can never exceed the bytes left (each item takes at least one).
    private static func count(_ reader: inout WireReader) throws -> Int {
        let value = try reader.readBigSize()
        guard value <= UInt64(reader.remaining) else { throw RecordError.malformed("a length of \(value) with \(reader.remaining) bytes left") }
        return Int(value)
    }
}

/// Why a record could not be written or read back.
public enum RecordError: CodedError, Equatable, Sendable {
    /// The bytes are not a record (damaged, truncated, or not ours).
    case malformed(String)
    /// A record written by a newer version of chan.
    case unsupportedVersion(UInt16)
    /// The record is well formed but does not hold what its type needs.
    case mismatch(String)

    public var code: String {
        switch self {
        case .malformed: "record_malformed"
        case .unsupportedVersion: "record_unsupported_version"
        case .mismatch: "record_mismatch"
        }
    }

    public var message: String {
        switch self {
        case .malformed(let why): "a stored record is damaged: \(why)"
        case .unsupportedVersion(let version): "a stored record has version \(version), newer than this chan reads"
        case .mismatch(let why): "a stored record does not match its type: \(why)"
        }
    }
}
