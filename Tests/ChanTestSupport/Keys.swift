import ChanCrypto

/// Deterministic keys: `key(n)` is the scalar n repeated (valid for n in 1...127).
public func key(_ n: UInt8) -> PrivateKey { try! PrivateKey(secretBytes: [UInt8](repeating: n, count: 32)) }
