import ChanCrypto
import ChanLedger

extension Invoice {
    /// Far above any invoice in use (a QR code holds at most 4296 such characters); BOLT 11
    /// lifts bech32's 90-character limit, and this bound keeps the decoder's work bounded.
    public static let maxLength = 8192

    /// Decodes and verifies an invoice string (either case, not mixed). The one entry point
    /// for outside text: any string returns an invoice or throws, and never traps.
    public static func decode(_ text: String) throws(InvoiceError) -> Invoice {
        let (hrp, words) = try bech32(text)
        let (prefix, amountText) = try InvoicePrefix.split(humanReadablePart: hrp)
        let amount = try InvoiceAmount.parse(amountText)

        let timestampWords = 7
        guard words.count >= timestampWords + InvoiceSignature.wordCount else {
            throw .tooShort(words: words.count)
        }
        let signatureStart = words.count - InvoiceSignature.wordCount
        let timestamp = InvoiceWords.integer(fromWords: words[0..<timestampWords]) ?? 0
        let fields = try readFields(words[timestampWords..<signatureStart])
        let unsigned = UnsignedInvoice(
            prefix: prefix, amount: amount, writtenAmount: String(amountText), timestamp: timestamp, fields: fields)
        let (paymentHash, paymentSecret, description) = try unsigned.checked()

        // 520 bits make exactly 65 bytes, so this cannot fail.
        let signatureBytes = InvoiceWords.bytes(fromWords: words[signatureStart...]) ?? []
        guard signatureBytes.count == 65 else { throw .unrecoverableSignature }
        let compact = Array(signatureBytes[0..<64])
        let recoveryID = signatureBytes[64]
        let digest = InvoiceSignature.digest(humanReadablePart: hrp, dataWords: words[..<signatureStart])
        let named = unsigned.payeeField
        let payee = try InvoiceSignature.payee(compact: compact, recoveryID: recoveryID, digest: digest, named: named)
        let signature: RecoverableSignature
        do {
            signature = try RecoverableSignature(compact: compact, recoveryID: Int32(recoveryID))
        } catch {
            throw .unrecoverableSignature
        }
        return Invoice(
            unsigned: unsigned, paymentHash: paymentHash, paymentSecret: paymentSecret, description: description,
            signature: signature, payee: payee, payeeSource: named == nil ? .recovered : .field,
            encoded: Bech32.encode(humanReadablePart: hrp, data: words))
    }

    private static func bech32(_ text: String) throws(InvoiceError) -> (String, [UInt8]) {
        do {
            let decoded = try Bech32.decode(text, maxLength: maxLength)
            return (decoded.humanReadablePart, decoded.data)
        } catch {
            switch error {
            case .tooLong: throw .tooLong(length: text.utf8.count, limit: maxLength)
            case .mixedCase: throw .mixedCase
            case .invalidCharacter: throw .invalidCharacter
            case .missingSeparator: throw .missingSeparator
            case .invalidChecksum: throw .invalidChecksum
            case .invalidHumanReadablePart, .tooShortChecksum, .invalidPadding: throw .malformedBech32
            }
        }
    }

    /// Type (5 bits), data_length (10 bits) and data, until the signature.
    private static func readFields(_ words: ArraySlice<UInt8>) throws(InvoiceError) -> [InvoiceField] {
        var fields: [InvoiceField] = []
        var index = words.startIndex
        while index < words.endIndex {
            let type = words[index]
            guard words.endIndex - index >= 3 else { throw .truncatedField(tag: FieldType.tag(of: type)) }
            let length = Int(words[index + 1]) << 5 | Int(words[index + 2])
            let start = index + 3
            guard words.endIndex - start >= length else { throw .truncatedField(tag: FieldType.tag(of: type)) }
            fields.append(try InvoiceField(type: type, data: words[start..<start + length]))
            index = start + length
        }
        return fields
    }
}
