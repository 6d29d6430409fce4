/// Writing fields: each field's data as 5-bit words, and the data part before the signature.
extension InvoiceField {
    /// `data_length` is 10 bits.
    static let maxDataWords = 1023

    /// The field's data words (without type and length).
    func dataWords() throws(InvoiceError) -> [UInt8] {
        switch self {
        case .paymentHash(let hash): return InvoiceWords.words(fromBytes: hash.bytes)
        case .paymentSecret(let secret): return InvoiceWords.words(fromBytes: secret.bytes)
        case .description(let text): return InvoiceWords.words(fromBytes: Array(text.utf8))
        case .descriptionHash(let hash): return InvoiceWords.words(fromBytes: hash.bytes)
        case .payee(let key): return InvoiceWords.words(fromBytes: key.compressed)
        case .expiry(let seconds): return InvoiceWords.minimalWords(fromInteger: seconds)
        case .minFinalCLTVExpiry(let delta): return InvoiceWords.minimalWords(fromInteger: UInt64(delta))
        case .fallback(let address):
            // A reader would skip a higher version, so writing one could not round-trip.
            guard address.version <= FallbackAddress.highestKnownVersion else {
                throw .invalidField(tag: tag, reason: "fallback version \(address.version) is not 0...18")
            }
            return [address.version] + InvoiceWords.words(fromBytes: address.program)
        case .routeHint(let hint):
            guard !hint.hops.isEmpty else { throw .invalidField(tag: tag, reason: "a route hint needs a hop") }
            var bytes: [UInt8] = []
            for hop in hint.hops { try hop.append(to: &bytes) }
            return InvoiceWords.words(fromBytes: bytes)
        case .features(let features): return features.words
        case .metadata(let bytes): return InvoiceWords.words(fromBytes: bytes)
        case .skipped(let type, let words):
            guard type < 32, words.allSatisfy({ $0 < 32 }) else {
                throw .invalidField(tag: tag, reason: "type and words must be 5-bit values")
            }
            return words
        }
    }
}

extension UnsignedInvoice {
    /// The data part before the signature: the 35-bit timestamp, then each field as type,
    /// 10-bit length and data, in list order.
    public func dataWords() throws(InvoiceError) -> [UInt8] {
        guard timestamp < 1 << 35 else { throw .invalidTimestamp(timestamp) }
        var words = InvoiceWords.words(fromInteger: timestamp, count: 7)
        for field in fields {
            let data = try field.dataWords()
            guard data.count <= InvoiceField.maxDataWords else {
                throw .fieldTooLong(tag: field.tag, words: data.count)
            }
            words.append(field.type)
            words.append(UInt8(data.count >> 5))
            words.append(UInt8(data.count & 31))
            words += data
        }
        return words
    }
}
