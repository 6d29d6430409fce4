import ChanCrypto

/// A `node_announcement`'s `rgb_color`: red, green and blue, one byte each.
public struct RGBColor: Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public init(reading reader: inout WireReader) throws(WireError) {
        red = try reader.readU8()
        green = try reader.readU8()
        blue = try reader.readU8()
    }

    public func write(to writer: inout WireWriter) {
        writer.writeU8(red)
        writer.writeU8(green)
        writer.writeU8(blue)
    }

    /// `#rrggbb`, as node explorers show it.
    public var description: String {
        "#" + Hex.encode([red, green, blue])
    }
}
