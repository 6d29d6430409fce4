import ChanCrypto

/// A wallet address: the `key(pubkey)` condition written in bech32 with the prefix `bcrt` and
/// the 33-byte compressed key as data, so a mistyped character is caught by the checksum.
public struct Address: Hashable, Sendable, CustomStringConvertible {
    public static let humanReadablePart = "bcrt"

    public let key: PublicKey

    public init(key: PublicKey) { self.key = key }

    /// Parses an address; anything malformed is `invalid_address`.
    public init(_ text: String) throws(LedgerError) {
        guard let decoded = try? Bech32.decode(text),
              decoded.humanReadablePart == Address.humanReadablePart,
              let bytes = try? Bech32.convertBits(decoded.data, from: 5, to: 8, pad: false),
              let key = try? PublicKey(compressed: bytes)
        else { throw .invalidAddress(text) }
        self.key = key
    }

    public var string: String {
        // 8-to-5 regrouping with padding cannot fail.
        let data = (try? Bech32.convertBits(key.compressed, from: 8, to: 5, pad: true)) ?? []
        return Bech32.encode(humanReadablePart: Address.humanReadablePart, data: data)
    }

    public var description: String { string }

    /// The condition an output paying to this address carries.
    public var condition: OutputCondition { .key(key) }

    /// The address of a `key` condition; nil for the other conditions.
    public init?(condition: OutputCondition) {
        switch condition {
        case .key(let key): self.key = key
        case .multisig2, .toLocal, .offeredHTLC, .receivedHTLC: return nil
        }
    }
}
