import ChanCrypto
import Foundation

/// The BOLT 1 vectors in `shared/vectors/bolt01-encoding.json`, found next to the repository
/// (`<repo>/../shared/vectors/`), the same layout here and on CI.
struct Bolt01Vectors: Decodable {
    let bigsize: BigSizeVectors
    let tlv: TLVVectors
    let messageExtension: MessageExtensionVectors
    let signedIntegers: SignedIntegerVectors

    enum CodingKeys: String, CodingKey {
        case bigsize, tlv
        case messageExtension = "message_extension"
        case signedIntegers = "signed_integers"
    }

    struct BigSizeVectors: Decodable {
        let decodingTests: [BigSizeVector]
        let encodingTests: [BigSizeVector]

        enum CodingKeys: String, CodingKey {
            case decodingTests = "decoding_tests"
            case encodingTests = "encoding_tests"
        }
    }

    struct BigSizeVector: Decodable, CustomStringConvertible {
        let name: String
        let bytes: String
        let valueDecimalString: String
        let expError: String?

        enum CodingKeys: String, CodingKey {
            case name, bytes
            case valueDecimalString = "value_decimal_string"
            case expError = "exp_error"
        }

        var value: UInt64 { UInt64(valueDecimalString)! }
        var description: String { name }
    }

    struct TLVVectors: Decodable {
        let decodingFailures: [TLVGroup]
        let decodingSuccesses: [TLVGroup]
        let streamDecodingFailures: [TLVGroup]

        enum CodingKeys: String, CodingKey {
            case decodingFailures = "decoding_failures"
            case decodingSuccesses = "decoding_successes"
            case streamDecodingFailures = "stream_decoding_failures"
        }
    }

    struct TLVGroup: Decodable {
        let description: String
        let vectors: [TLVVector]
        let namespaces: [String]
    }

    struct TLVVector: Decodable {
        let stream: String
        let reason: String?
        /// Record name -> field name -> value (a number, or text for points and scids).
        let decoded: [String: [String: Scalar]]?
    }

    enum Scalar: Decodable, Equatable {
        case number(UInt64)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(UInt64.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    struct MessageExtensionVectors: Decodable {
        let valid: [MessageVector]
        let invalid: [MessageVector]
    }

    struct MessageVector: Decodable {
        let message: String
        let explanation: String
    }

    struct SignedIntegerVectors: Decodable {
        let vectors: [SignedIntegerVector]
    }

    struct SignedIntegerVector: Decodable {
        let bytes: String
        let valueDecimalString: String

        enum CodingKeys: String, CodingKey {
            case bytes
            case valueDecimalString = "value_decimal_string"
        }

        var value: Int64 { Int64(valueDecimalString)! }
    }

    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Wire
        .deletingLastPathComponent()  // ChanCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .deletingLastPathComponent()  // its parent, which holds shared/
        .appendingPathComponent("shared/vectors/bolt01-encoding.json")

    private static let cached = Result { try JSONDecoder().decode(Bolt01Vectors.self, from: Data(contentsOf: url)) }

    /// The parsed file; throws (failing the calling test, not the run) if it is missing.
    static func load() throws -> Bolt01Vectors { try cached.get() }
}

struct BadTestHex: Error { let text: String }

/// Hex from test data.
func bytes(hex: String) throws -> [UInt8] {
    guard let decoded = Hex.decode(hex) else { throw BadTestHex(text: hex) }
    return decoded
}
