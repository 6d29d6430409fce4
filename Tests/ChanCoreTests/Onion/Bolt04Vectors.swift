import ChanCore
import ChanCrypto
import Foundation

/// The BOLT 4 vectors in `shared/vectors/bolt04-onion.json`: `onion-test.json` (packet
/// construction), `onion-error-test.json` (the legacy failure packet) and the spec's
/// "Returning Errors" trace, read once and typed for the tests.
struct Bolt04Vectors: Sendable {
    struct OnionTest: Sendable {
        let sessionKey: PrivateKey
        let associatedData: [UInt8]
        let hopPubkeys: [PublicKey]
        /// Payloads as the vector writes them: with their BigSize length in front.
        let framedPayloads: [[UInt8]]
        let onion: [UInt8]
        let hopPrivateKeys: [PrivateKey]

        /// The TLV payloads alone, as `OnionHop` takes them.
        var payloads: [[UInt8]] { framedPayloads.map(Bolt04Vectors.unframed) }
    }

    struct ErrorTest: Sendable {
        let sharedSecrets: [OnionSharedSecret]
        let ammagKeys: [[UInt8]]
        let umKey: [UInt8]
        let failureMessage: [UInt8]
        /// u16 failure_len || failuremsg || u16 pad_len || pad (no HMAC).
        let payload: [UInt8]
        let errorPacket: [UInt8]
    }

    struct ObfuscationStep: Sendable {
        let node: Int
        let sharedSecret: OnionSharedSecret
        let ammagKey: [UInt8]
        let umKey: [UInt8]
        let stream: [UInt8]
        let errorPacket: [UInt8]
    }

    struct ReturningErrors: Sendable {
        let hopPubkeys: [PublicKey]
        let sharedSecrets: [OnionSharedSecret]
        let failureSourceNode: Int
        let encodedFailureMessage: [UInt8]
        let failureMessage: [UInt8]
        let failureLength: Int
        let padLength: Int
        let payload: [UInt8]
        let umKey: [UInt8]
        let rawErrorPacket: [UInt8]
        let htlcMsat: UInt64
        let height: UInt32
        let tlvType: UInt64
        let tlvValue: [UInt8]
        let steps: [ObfuscationStep]
    }

    let onionTest: OnionTest
    let errorTest: ErrorTest
    let returningErrors: ReturningErrors

    static let shared: Bolt04Vectors = {
        do { return try Bolt04Vectors() } catch { fatalError("bolt04-onion.json: \(error)") }
    }()

    static func unframed(_ framed: [UInt8]) -> [UInt8] {
        let length = framed[0] < 0xfd ? 1 : 3
        return Array(framed[length...])
    }

    private init() throws {
        let root = try SharedFixtures.json("vectors/bolt04-onion.json")
        let files = root["json_files"] as! [String: Any]

        let onionFile = (files["bolt04/onion-test.json"] as! [String: Any])["content"] as! [String: Any]
        let generate = onionFile["generate"] as! [String: Any]
        let hops = generate["hops"] as! [[String: String]]
        onionTest = OnionTest(
            sessionKey: try PrivateKey(secretBytes: hexBytes(generate["session_key"] as! String)),
            associatedData: hexBytes(generate["associated_data"] as! String),
            hopPubkeys: try hops.map { try PublicKey(hex: $0["pubkey"]!) },
            framedPayloads: hops.map { hexBytes($0["payload"]!) },
            onion: hexBytes(onionFile["onion"] as! String),
            hopPrivateKeys: try (onionFile["decode"] as! [String]).map { try PrivateKey(secretBytes: hexBytes($0)) })

        let errorFile = (files["bolt04/onion-error-test.json"] as! [String: Any])["content"] as! [String: Any]
        let errorGenerate = errorFile["generate"] as! [String: Any]
        let errorHops = errorGenerate["hops"] as! [[String: Any]]
        let errorPayload = hexBytes(errorHops[4]["payload"] as! String)
        errorTest = ErrorTest(
            sharedSecrets: try errorHops.map { try OnionSharedSecret(hex: $0["hop_shared_secret"] as! String) },
            ammagKeys: errorHops.map { hexBytes($0["ammag_key"] as! String) },
            umKey: hexBytes(errorHops[4]["um_key"] as! String),
            failureMessage: hexBytes(errorGenerate["failure_message"] as! String),
            payload: errorPayload,
            errorPacket: hexBytes(errorFile["errorpacket"] as! String))

        let returning = root["returning_errors"] as! [String: Any]
        let parameters = returning["parameters"] as! [String: Any]
        let parameterHops = parameters["hops"] as! [[String: Any]]
        let trace = returning["trace"] as! [[String: Any]]
        let create = trace[0]
        let decoded = create["decoded"] as! [String: Any]
        let tlv = (decoded["tlv_stream"] as! [[String: Any]])[0]
        returningErrors = ReturningErrors(
            hopPubkeys: try parameterHops.map { try PublicKey(hex: $0["pubkey"] as! String) },
            sharedSecrets: try parameterHops.map { try OnionSharedSecret(hex: $0["shared_secret"] as! String) },
            failureSourceNode: (parameters["failure_source_node"] as! NSNumber).intValue,
            encodedFailureMessage: hexBytes(create["encoded_failure_message"] as! String),
            failureMessage: hexBytes(decoded["failuremsg"] as! String),
            failureLength: (decoded["failure_len"] as! NSNumber).intValue,
            padLength: (decoded["pad_len"] as! NSNumber).intValue,
            payload: hexBytes(create["payload"] as! String),
            umKey: hexBytes(create["um_key"] as! String),
            rawErrorPacket: hexBytes(create["raw_error_packet"] as! String),
            htlcMsat: (decoded["htlc_msat"] as! NSNumber).uint64Value,
            height: (decoded["height"] as! NSNumber).uint32Value,
            tlvType: (tlv["type"] as! NSNumber).uint64Value,
            tlvValue: hexBytes(tlv["value_hex"] as! String),
            steps: try trace.dropFirst().map { step in
                ObfuscationStep(
                    node: (step["node"] as! NSNumber).intValue,
                    sharedSecret: try OnionSharedSecret(hex: step["shared_secret"] as! String),
                    ammagKey: hexBytes(step["ammag_key"] as! String),
                    umKey: hexBytes(step["um_key"] as! String),
                    stream: hexBytes(step["stream"] as! String),
                    errorPacket: hexBytes(step["error_packet"] as! String))
            })
    }
}
