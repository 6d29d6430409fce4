import ChanCrypto
import ChanLedger

/// Reading one field, following the spec's reader rules: unknown types, `f` fields of
/// unknown version and `p`, `h`, `s`, `n` fields of the wrong length are skipped (kept raw);
/// anything else malformed refuses the invoice.
///
/// Skipping wrong-length `p`, `h`, `s`, `n` is the older reader rule. The current text says
/// to fail instead, yet its example "including fields which must be ignored" is still a
/// valid invoice with such fields, so we follow the example. A missing `p` or `s` still fails.
extension InvoiceField {
    /// Words of the fixed-size fields: 256 bits (52 words) and a 264-bit key (53 words).
    static let hashWords = 52
    static let publicKeyWords = 53

    init(type: UInt8, data: ArraySlice<UInt8>) throws(InvoiceError) {
        let tag = FieldType.tag(of: type)
        let skipped = InvoiceField.skipped(type: type, words: Array(data))
        switch type {
        case FieldType.paymentHash:
            guard data.count == Self.hashWords else { self = skipped; return }
            let bytes = try Self.fieldBytes(data, tag: tag)
            do { self = .paymentHash(try PaymentHash(bytes: bytes)) } catch {
                throw .invalidField(tag: tag, reason: error.message)
            }
        case FieldType.paymentSecret:
            guard data.count == Self.hashWords else { self = skipped; return }
            self = .paymentSecret(try Self.wireValue(Bytes32.self, Self.fieldBytes(data, tag: tag), tag: tag))
        case FieldType.descriptionHash:
            guard data.count == Self.hashWords else { self = skipped; return }
            self = .descriptionHash(try Self.wireValue(Hash32.self, Self.fieldBytes(data, tag: tag), tag: tag))
        case FieldType.payee:
            guard data.count == Self.publicKeyWords else { self = skipped; return }
            do {
                self = .payee(try PublicKey(compressed: Self.fieldBytes(data, tag: tag)))
            } catch {
                throw .invalidField(tag: tag, reason: "not a valid public key")
            }
        case FieldType.description:
            guard let text = String(validating: try Self.fieldBytes(data, tag: tag), as: UTF8.self) else {
                throw .invalidField(tag: tag, reason: "not valid UTF-8")
            }
            self = .description(text)
        case FieldType.metadata:
            self = .metadata(try Self.fieldBytes(data, tag: tag))
        case FieldType.expiry:
            self = .expiry(try Self.minimalInteger(data, tag: tag))
        case FieldType.minFinalCLTVExpiry:
            let value = try Self.minimalInteger(data, tag: tag)
            // BOLT 4 CLTV values are 32 bits; a larger delta could never be met.
            guard let delta = UInt32(exactly: value) else {
                throw .invalidField(tag: tag, reason: "\(value) does not fit 32 bits")
            }
            self = .minFinalCLTVExpiry(delta)
        case FieldType.fallback:
            guard let version = data.first else { throw .invalidField(tag: tag, reason: "no version") }
            guard version <= FallbackAddress.highestKnownVersion else { self = skipped; return }
            self = .fallback(FallbackAddress(version: version, program: try Self.fieldBytes(data.dropFirst(), tag: tag)))
        case FieldType.routeHint:
            let bytes = try Self.fieldBytes(data, tag: tag)
            guard !bytes.isEmpty, bytes.count % RouteHint.hopByteCount == 0 else {
                throw .invalidField(tag: tag, reason: "\(bytes.count) bytes is not a whole number of 51-byte hops")
            }
            var hops: [RouteHintHop] = []
            for start in stride(from: 0, to: bytes.count, by: RouteHint.hopByteCount) {
                hops.append(try RouteHintHop(bytes: bytes[start..<start + RouteHint.hopByteCount]))
            }
            self = .routeHint(RouteHint(hops: hops))
        case FieldType.features:
            guard data.first != 0 else { throw .nonMinimalField(tag: tag) }
            self = .features(InvoiceFeatures(words: data))
        default:
            self = skipped
        }
    }

    private static func fieldBytes(_ data: ArraySlice<UInt8>, tag: String) throws(InvoiceError) -> [UInt8] {
        guard let bytes = InvoiceWords.bytes(fromWords: data) else {
            throw .invalidField(tag: tag, reason: "its padding bits are not fewer than 5 and zero")
        }
        return bytes
    }

    private static func minimalInteger(_ data: ArraySlice<UInt8>, tag: String) throws(InvoiceError) -> UInt64 {
        guard data.first != 0 else { throw .nonMinimalField(tag: tag) }
        guard let value = InvoiceWords.integer(fromWords: data) else {
            throw .invalidField(tag: tag, reason: "the value does not fit 64 bits")
        }
        return value
    }

    /// The length is checked before, so these initializers cannot fail; map their error anyway.
    private static func wireValue<T: FixedSizeBytes>(_: T.Type, _ bytes: [UInt8], tag: String) throws(InvoiceError) -> T {
        do { return try T(bytes) } catch { throw .invalidField(tag: tag, reason: error.message) }
    }
}
