/// Many independent signature operations at once, spread over the machine's cores
/// (`ParallelMap`): a `commitment_signed` makes or checks one signature per HTLC of the
/// commitment. Each digest is computed by its iteration too (a transaction's sighash is
/// hashing work of the same order as the signature). Results keep the order of the input.
extension PrivateKey {
    /// `sign(digest: digest(i))` for each `i` in `0..<count`.
    public func sign(count: Int, digests digest: (Int) -> [UInt8]) throws(CryptoError) -> [Signature] {
        let signed = ParallelMap.map(count: count) { index in
            Result { () throws(CryptoError) in try sign(digest: digest(index)) }
        }
        return try signed.map { result throws(CryptoError) in try result.get() }
    }
}

extension PublicKey {
    /// Each 64-byte compact signature parsed and checked against its digest by this key: the
    /// signature, or nil where it does not parse or does not verify.
    public func verified(compactSignatures: [[UInt8]], digests digest: (Int) -> [UInt8]) -> [Signature?] {
        ParallelMap.map(count: compactSignatures.count) { index in
            guard let signature = try? Signature(compact: compactSignatures[index]), verify(signature, digest: digest(index)) else { return nil }
            return signature
        }
    }
}
