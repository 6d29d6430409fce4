import ChanCrypto

/// The signing arithmetic every gossip message shares: BOLT 7 signs the double SHA-256 of a
/// message's bytes after its signature fields (the 2-byte type is not included), with the
/// node's or the funding key, as a low-S compact ECDSA signature.
enum GossipSignature {
    /// SHA-256d of what `writeSignedFields` writes.
    static func digest(
        _ writeSignedFields: (inout WireWriter) throws(WireError) -> Void
    ) throws(GossipError) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 256)
        do {
            try writeSignedFields(&writer)
        } catch {
            throw .cannotBuild(error.message)
        }
        return SHA256.doubleHash(writer.bytes)
    }

    static func sign(_ digest: [UInt8], with key: PrivateKey) throws(GossipError) -> CompactSignature {
        do {
            return try CompactSignature(key.sign(digest: digest).compact)
        } catch {
            throw .cannotBuild("signing failed: \(error)")
        }
    }

    /// False for a signature that does not parse, is high-S, or was made by another key.
    static func verify(_ signature: CompactSignature, digest: [UInt8], key: PublicKey) -> Bool {
        guard let parsed = try? Signature(compact: signature.bytes) else { return false }
        return key.verify(parsed, digest: digest)
    }

    /// The public key a wire point names; `field` says which one in the error.
    static func publicKey(_ point: SerializedPoint, field: String) throws(GossipError) -> PublicKey {
        do {
            return try PublicKey(compressed: point.bytes)
        } catch {
            throw .invalidKey(field: field)
        }
    }
}
