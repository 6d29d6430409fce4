import ChanCrypto

/// The encrypted failure an `update_fail_htlc` carries back to the sender (BOLT 4
/// "Returning Errors"): `hmac || u16 failure_len || failuremsg || u16 pad_len || pad`,
/// XORed with one `ammag` stream per hop between the erring node and the sender.
public enum OnionErrorPacket {
    /// BOLT 4: `failure_len + pad_len` must be at least 256 and should be exactly that, so
    /// the length says nothing about the failure. Longer messages (the spec's trace pads a
    /// 320-byte one to 1024) go unpadded unless a larger target is asked for.
    public static let defaultPaddedLength = 256

    /// The erring node's packet, already obfuscated with its own `ammag` stream.
    public static func create(
        sharedSecret: OnionSharedSecret, message: OnionFailureMessage, paddedLength: Int = defaultPaddedLength
    ) throws(WireError) -> [UInt8] {
        try create(sharedSecret: sharedSecret, failureMessage: message.encoded(), paddedLength: paddedLength)
    }

    /// As above, for an encoded `failuremsg`.
    public static func create(
        sharedSecret: OnionSharedSecret, failureMessage: [UInt8], paddedLength: Int = defaultPaddedLength
    ) throws(WireError) -> [UInt8] {
        obfuscate(
            try unobfuscated(sharedSecret: sharedSecret, failureMessage: failureMessage, paddedLength: paddedLength),
            sharedSecret: sharedSecret)
    }

    /// The packet for `failure` created by this node, as the `reason` of an `update_fail_htlc`.
    public static func reason(_ failure: OnionFailure, sharedSecret: OnionSharedSecret) -> [UInt8] {
        // Throws only for a failure over 65535 bytes: a channel_update no node makes. The
        // reason is then empty, which the sender reads as a failure of its first hop.
        (try? create(sharedSecret: sharedSecret, message: OnionFailureMessage(failure))) ?? []
    }

    /// The packet before any obfuscation: the `um` HMAC over the padded message, then the
    /// message. The pad is zeros, as the obfuscation hides them anyway.
    public static func unobfuscated(
        sharedSecret: OnionSharedSecret, failureMessage: [UInt8], paddedLength: Int = defaultPaddedLength
    ) throws(WireError) -> [UInt8] {
        let padLength = max(0, paddedLength - failureMessage.count)
        var body = WireWriter(reservingCapacity: 4 + failureMessage.count + padLength)
        try body.writeU16Prefixed(failureMessage, field: "failuremsg")
        try body.writeU16Prefixed([UInt8](repeating: 0, count: padLength), field: "pad")
        let packet = HMACSHA256.authenticate(key: sharedSecret.key(.um), message: body.bytes) + body.bytes
        // It travels as the u16-prefixed `reason` of update_fail_htlc.
        guard packet.count <= Int(UInt16.max) else {
            throw .invalidLength(field: "reason", expected: "at most 65535", actual: packet.count)
        }
        return packet
    }

    /// One hop's layer: the erring node applies its own, then every hop back applies its
    /// own before passing the packet upstream. Any bytes are accepted.
    public static func obfuscate(_ packet: [UInt8], sharedSecret: OnionSharedSecret) -> [UInt8] {
        OnionStream.xor(key: sharedSecret.key(.ammag), into: packet)
    }
}
