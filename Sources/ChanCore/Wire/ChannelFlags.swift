/// `channel_flags` of `open_channel`. Only bit 0 is defined; undefined bits are kept as
/// received so the message re-encodes unchanged (BOLT 2: receivers ignore them).
public struct ChannelFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The opener wants the channel announced to the network (BOLT 7).
    public static let announceChannel = ChannelFlags(rawValue: 1 << 0)
}
