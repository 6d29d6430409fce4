/// An `f` field: an on-chain address to pay if Lightning fails, kept raw (version and data)
/// because which chain and address format apply is the caller's business.
public struct FallbackAddress: Hashable, Sendable {
    /// 0...16: a witness version; 17: P2PKH; 18: P2SH. Readers skip 19...31.
    public var version: UInt8
    /// The witness program, or the 20-byte public-key or script hash.
    public var program: [UInt8]

    public init(version: UInt8, program: [UInt8]) {
        self.version = version
        self.program = program
    }

    public enum Kind: Hashable, Sendable {
        case witness(version: UInt8)
        case p2pkh
        case p2sh
    }

    /// Nil for versions a reader must skip.
    public var kind: Kind? {
        switch version {
        case 0...16: .witness(version: version)
        case 17: .p2pkh
        case 18: .p2sh
        default: nil
        }
    }

    static let highestKnownVersion: UInt8 = 18
}
