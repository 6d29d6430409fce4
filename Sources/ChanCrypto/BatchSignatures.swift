/// Many independent signature operations at once, spread over the machine's cores (a
/// `commitment_signed` makes or checks one signature per HTLC of the commitment). Results keep
/// the order of the input.
extension PrivateKey {
    /// `sign(digest:)` for each digest.
    public func sign(digests: [[UInt8]]) throws(CryptoError) -> [Signature] {
        let signed = ParallelResults.collect(count: digests.count) { index in
            Result { () throws(CryptoError) in try sign(digest: digests[index]) }
        }
        return try signed.map { result throws(CryptoError) in try result.get() }
    }
}

extension PublicKey {
    /// Each 64-byte compact signature parsed and checked against its digest by this key: the
    /// signature, or nil where it does not parse or does not verify.
    public func verified(compactSignatures: [[UInt8]], digests: [[UInt8]]) -> [Signature?] {
        precondition(compactSignatures.count == digests.count, "one digest per signature")
        return ParallelResults.collect(count: digests.count) { index in
            guard let signature = try? Signature(compact: compactSignatures[index]), verify(signature, digest: digests[index]) else { return nil }
            return signature
        }
    }
}
