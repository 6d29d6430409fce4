import ChanCore
import ChanCrypto
import ChanLedger
import Foundation

/// Shared pieces of the invoice tests: the spec's signing key, and a way to sign arbitrary
/// human-readable parts and data words, so tests can hand the decoder invoices that our
/// own writer refuses to produce.
enum InvoiceTestSupport {
    /// Read once; JSON dictionaries are not Sendable, but nothing writes to this one.
    nonisolated(unsafe) static let vectors = try! SharedFixtures.json("vectors/bolt11-invoices.json")

    static var valid: [[String: Any]] { vectors["valid"] as! [[String: Any]] }
    static var invalid: [[String: Any]] { vectors["invalid"] as! [[String: Any]] }

    /// The spec's `priv_key`: every example is signed with it.
    static let specKey: PrivateKey = {
        let signing = vectors["signing_key"] as! [String: Any]
        return try! PrivateKey(secretBytes: hex(signing["priv_key"] as! String))
    }()

    static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    static func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

    /// A bech32 string's 5-bit data (checksum dropped) and lower-case human-readable part.
    static func words(of invoice: String) -> (hrp: String, words: [UInt8]) {
        let decoded = try! Bech32.decode(invoice, maxLength: Invoice.maxLength)
        return (decoded.humanReadablePart, decoded.data)
    }

    /// Signs `words` (timestamp and fields) under `hrp` as BOLT 11 does and encodes it.
    static func sign(hrp: String, words: [UInt8], with key: PrivateKey = specKey) -> String {
        let message = Array(hrp.utf8) + (try! Bech32.convertBits(words, from: 5, to: 8, pad: true))
        let signature = try! key.signRecoverable(digest: SHA256.hash(message))
        let signatureWords = try! Bech32.convertBits(
            signature.compact + [UInt8(signature.recoveryID)], from: 8, to: 5, pad: true)
        return Bech32.encode(humanReadablePart: hrp, data: words + signatureWords)
    }

    /// One tagged field as words: type, 10-bit length, data.
    static func field(_ tag: Character, _ data: [UInt8]) -> [UInt8] {
        [UInt8(alphabet.firstIndex(of: tag)!), UInt8(data.count >> 5), UInt8(data.count & 31)] + data
    }

    static func field(_ tag: Character, bytes: [UInt8]) -> [UInt8] {
        field(tag, try! Bech32.convertBits(bytes, from: 8, to: 5, pad: true))
    }

    static let timestampWords: [UInt8] = (0..<7).map { UInt8((UInt64(1_496_314_658) >> (5 * (6 - UInt64($0)))) & 31) }
    static let hash32 = [UInt8](repeating: 0x11, count: 32)
    static let paymentHash = try! PaymentHash(bytes: (0..<32).map { UInt8($0) })
    static let paymentSecret = try! Bytes32(hash32)

    /// A minimal acceptable invoice's words: p, s, d and the standard features.
    static func minimalWords(extra: [UInt8] = [], description: String = "coffee") -> [UInt8] {
        timestampWords + field("p", bytes: paymentHash.bytes) + field("s", bytes: hash32)
            + field("d", bytes: Array(description.utf8)) + field("9", [16, 8, 0]) + extra
    }

    static func decodeError(_ text: String) -> InvoiceError? {
        do {
            _ = try Invoice.decode(text)
            return nil
        } catch {
            return error
        }
    }
}
