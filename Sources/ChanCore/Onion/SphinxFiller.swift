extension Sphinx {
    /// The filler (BOLT 4 "Filler Generation"): the bytes each hop but the last appends to
    /// the payloads when it peels its frame (zeros it XORs with its rho stream), computed
    /// ahead by the sender so the HMAC it writes for the last hop matches what arrives.
    ///
    /// Hop `i` receives payloads whose last `L_i` bytes are the filler so far, pads with
    /// zeros, XORs all 2600 bytes with its stream and drops its frame of `s_i` bytes: the
    /// new tail is `(filler || zeros(s_i)) XOR stream[1300 - L_i ..< 1300 + s_i]`.
    static func filler(sharedSecrets: [OnionSharedSecret], frameSizes: [Int]) -> [UInt8] {
        var filler: [UInt8] = []
        for index in frameSizes.indices.dropLast() {
            let previousLength = filler.count
            filler += [UInt8](repeating: 0, count: frameSizes[index])
            let stream = OnionStream.generate(
                key: sharedSecrets[index].key(.rho), count: hopPayloadsLength + frameSizes[index])
            filler.xorInPlace(Array(stream[(hopPayloadsLength - previousLength)...]))
        }
        return filler
    }
}
