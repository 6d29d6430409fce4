/// One message type's fields: everything after the 2-byte type, extension included.
public protocol WireMessageBody: Hashable, Sendable {
    static var messageType: WireMessageType { get }

    /// Reads the fields and then the extension, consuming the whole reader.
    init(reading reader: inout WireReader) throws(WireError)

    /// Writes the fields and then the extension.
    func write(to writer: inout WireWriter) throws(WireError)
}

extension WireMessageBody {
    /// The whole message: type, fields and extension. Throws if it exceeds 65535 bytes.
    public func encode() throws(WireError) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 128)
        writer.writeU16(Self.messageType.rawValue)
        try write(to: &writer)
        return try WireMessage.checkedSize(writer.bytes)
    }

    /// Decodes a whole message that must be of this type.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> Self {
        var reader = try WireMessage.reader(over: bytes)
        let type = try reader.readU16()
        guard type == messageType.rawValue else {
            throw .invalidValue(field: "type", reason: "expected \(messageType.rawValue) (\(messageType.name)), got \(type)")
        }
        return try Self(reading: &reader)
    }
}
