import ChanCore
import ChanCrypto
import ChanLedger
import Foundation
import Testing

/// BOLT 11 "Examples" and "Examples of Invalid Invoices".
@Suite struct InvoiceVectorTests {
    typealias Support = InvoiceTestSupport

    @Test func everyValidVectorDecodesToItsFields() throws {
        #expect(Support.valid.count == 16)
        for vector in Support.valid {
            let text = vector["invoice"] as! String
            let title = vector["title"] as! String
            let expected = vector["decoded"] as! [String: Any]
            let invoice = try Invoice.decode(text)

            #expect(invoice.encoded == text.lowercased(), "\(title)")
            #expect(invoice.humanReadablePart == expected["hrp"] as! String, "\(title)")
            #expect(invoice.prefix.rawValue == "ln" + (expected["currency_prefix"] as! String), "\(title)")
            let amount = (expected["amount"] as? [String: Any])?["msat"] as? NSNumber
            #expect(invoice.amount?.value == amount?.uint64Value, "\(title)")
            #expect(invoice.timestamp == (expected["timestamp"] as! NSNumber).uint64Value, "\(title)")
            #expect(invoice.paymentHash.hex == expected["payment_hash"] as! String, "\(title)")
            #expect(invoice.paymentSecret.hex == expected["payment_secret"] as! String, "\(title)")
            if let text = expected["description"] as? String {
                #expect(invoice.description == .text(text), "\(title)")
            } else {
                let hash = try Hash32(hex: expected["description_hash"] as! String)
                #expect(invoice.description == .hash(hash), "\(title)")
                #expect(invoice.description.matches(expected["description_hash_preimage"] as! String), "\(title)")
                #expect(!invoice.description.matches("something else"), "\(title)")
            }
            #expect(invoice.expiry == (expected["expiry"] as? NSNumber)?.uint64Value ?? 3600, "\(title)")
            let cltv = (expected["min_final_cltv_expiry_delta"] as? NSNumber)?.uint32Value ?? 18
            #expect(invoice.minFinalCLTVExpiry == cltv, "\(title)")
            #expect(invoice.metadata?.hex == expected["metadata"] as? String, "\(title)")
            checkFeatures(invoice.features, expected["features"] as! [String: Any], title)
            checkFallbacks(invoice.fallbacks, expected["fallback_addresses"] as? [[String: Any]] ?? [], title)
            checkRouteHints(invoice.routeHints, expected["routing_hints"] as? [[[String: Any]]] ?? [], title)
            checkFieldOrder(invoice.fields, expected, title)

            let signature = expected["signature"] as! [String: Any]
            #expect(invoice.signature.compact.hex == signature["rs"] as! String, "\(title)")
            #expect(Int(invoice.signature.recoveryID) == (signature["recovery_id"] as! NSNumber).intValue, "\(title)")
            #expect(try invoice.unsigned.signingDigest().hex == signature["sha256_of_signing_data"] as! String, "\(title)")
            #expect(invoice.payee.hex == expected["payee_pubkey"] as! String, "\(title)")
            #expect(invoice.payeeSource == .recovered, "\(title)")
        }
    }

    /// The vector's reason, as the extractor labelled it, and the error we give for it.
    static let expectedCodes: [String: String] = [
        "unknown_even_feature_bit_100": "invoice_unknown_required_feature",
        "invalid_checksum": "invoice_bad_checksum",
        "no_separator": "invoice_missing_separator",
        "mixed_case": "invoice_mixed_case",
        "signature_not_recoverable": "invoice_unrecoverable_signature",
        "too_short": "invoice_too_short",
        "invalid_hrp_or_multiplier": "invoice_invalid_multiplier",
        "sub_millisatoshi_precision": "invoice_sub_msat_amount",
        "missing_payment_secret": "invoice_missing_payment_secret",
        "high_s_signature_with_n_field": "invoice_high_s_signature",
    ]

    @Test func everyInvalidVectorIsRefusedForItsReason() {
        #expect(Support.invalid.count == 10)
        for vector in Support.invalid {
            let reason = vector["extractor_failure_reason"] as! String
            let error = Support.decodeError(vector["invoice"] as! String)
            #expect(error?.code == Self.expectedCodes[reason], "\(vector["title"]!): \(String(describing: error))")
        }
        let feature = Support.decodeError(Support.invalid[0]["invoice"] as! String)
        #expect(feature == .unknownRequiredFeature(bit: 100))
    }

    /// Signatures are deterministic, so re-signing the decoded fields gives the vector back;
    /// the high-S example re-signs to its low-S original (the first example).
    @Test func resigningDecodedInvoicesReproducesTheVectors() throws {
        for (index, vector) in Support.valid.enumerated() {
            let invoice = try Invoice.decode(vector["invoice"] as! String)
            let highS = ((vector["decoded"] as! [String: Any])["signature"] as! [String: Any])["high_s"] as! Bool
            let expected = highS ? Support.valid[0]["invoice"] as! String : (vector["invoice"] as! String).lowercased()
            let resigned = try invoice.unsigned.signed(with: Support.specKey)
            #expect(resigned.encoded == expected, "vector \(index)")
            #expect(try Invoice.decode(resigned.encoded) == resigned, "vector \(index)")
        }
    }

    /// Building the fields from the vector's values, in the vector's order, and signing them
    /// gives the vector byte for byte (all but the one with fields a reader skips).
    @Test func vectorFieldsSignedInTheirOrderGiveTheVector() throws {
        var built = 0
        for (index, vector) in Support.valid.enumerated() {
            let decoded = vector["decoded"] as! [String: Any]
            guard decoded["ignored_fields"] == nil else { continue }
            var fields: [InvoiceField] = []
            var routeHints = (decoded["routing_hints"] as? [[[String: Any]]] ?? []).makeIterator()
            var fallbacks = (decoded["fallback_addresses"] as? [[String: Any]] ?? []).makeIterator()
            for tag in decoded["tagged_fields_order"] as! [String] {
                switch tag {
                case "p": fields.append(.paymentHash(try PaymentHash(bytes: Support.hex(decoded["payment_hash"] as! String))))
                case "s": fields.append(.paymentSecret(try Bytes32(hex: decoded["payment_secret"] as! String)))
                case "d": fields.append(.description(decoded["description"] as! String))
                case "h": fields.append(.descriptionHash(try Hash32(hex: decoded["description_hash"] as! String)))
                case "x": fields.append(.expiry((decoded["expiry"] as! NSNumber).uint64Value))
                case "c": fields.append(.minFinalCLTVExpiry((decoded["min_final_cltv_expiry_delta"] as! NSNumber).uint32Value))
                case "m": fields.append(.metadata(Support.hex(decoded["metadata"] as! String)))
                case "9":
                    let bits = ((decoded["features"] as! [String: Any])["bits"] as! [NSNumber]).map(\.uint16Value)
                    fields.append(.features(InvoiceFeatures(bits)))
                case "f":
                    let address = fallbacks.next()!
                    let program = address["hash"] as? String ?? address["program"] as! String
                    fields.append(.fallback(FallbackAddress(
                        version: (address["version"] as! NSNumber).uint8Value, program: Support.hex(program))))
                case "r":
                    fields.append(.routeHint(RouteHint(hops: try routeHints.next()!.map(Self.hop))))
                default: Issue.record("unexpected field \(tag) in vector \(index)")
                }
            }
            let amount = ((decoded["amount"] as? [String: Any])?["msat"] as? NSNumber).map { MilliSatoshi($0.uint64Value) }
            let unsigned = UnsignedInvoice(
                prefix: InvoicePrefix(rawValue: "ln" + (decoded["currency_prefix"] as! String))!, amount: amount,
                timestamp: (decoded["timestamp"] as! NSNumber).uint64Value, fields: fields)
            let highS = (decoded["signature"] as! [String: Any])["high_s"] as! Bool
            let expected = highS ? Support.valid[0]["invoice"] as! String : (vector["invoice"] as! String).lowercased()
            #expect(try unsigned.signed(with: Support.specKey).encoded == expected, "vector \(index)")
            built += 1
        }
        #expect(built == 15)
    }

    static func hop(_ json: [String: Any]) throws -> RouteHintHop {
        RouteHintHop(
            nodeID: try PublicKey(hex: json["pubkey"] as! String),
            shortChannelID: ShortChannelID(rawValue: (json["short_channel_id_u64"] as! NSNumber).uint64Value),
            feeBase: MilliSatoshi((json["fee_base_msat"] as! NSNumber).uint64Value),
            feeProportionalMillionths: (json["fee_proportional_millionths"] as! NSNumber).uint32Value,
            cltvExpiryDelta: (json["cltv_expiry_delta"] as! NSNumber).uint16Value)
    }

    private func checkFeatures(_ features: InvoiceFeatures, _ expected: [String: Any], _ title: String) {
        let bits = (expected["bits"] as! [NSNumber]).map(\.uint16Value)
        #expect(features.bits == bits, "\(title)")
        let names = expected["named"] as! [String: String]
        for bit in bits {
            #expect((InvoiceFeatures.name(of: bit) ?? "unknown") == names["\(bit)"], "\(title) bit \(bit)")
        }
        #expect(features.unknownRequiredBits.isEmpty, "\(title)")
    }

    private func checkFallbacks(_ fallbacks: [FallbackAddress], _ expected: [[String: Any]], _ title: String) {
        #expect(fallbacks.count == expected.count, "\(title)")
        for (address, json) in zip(fallbacks, expected) {
            #expect(Int(address.version) == (json["version"] as! NSNumber).intValue, "\(title)")
            #expect(address.program.hex == json["hash"] as? String ?? json["program"] as? String, "\(title)")
            let kind: FallbackAddress.Kind? = switch json["type"] as! String {
            case "p2pkh": .p2pkh
            case "p2sh": .p2sh
            case "p2wpkh", "p2wsh": .witness(version: 0)
            case "p2tr": .witness(version: 1)
            default: nil
            }
            #expect(address.kind == kind, "\(title)")
        }
    }

    private func checkRouteHints(_ hints: [RouteHint], _ expected: [[[String: Any]]], _ title: String) {
        #expect(hints.count == expected.count, "\(title)")
        for (hint, json) in zip(hints, expected) {
            #expect(hint.hops.count == json.count, "\(title)")
            for (hop, hopJSON) in zip(hint.hops, json) {
                #expect(hop == (try? Self.hop(hopJSON)), "\(title)")
                #expect(hop.shortChannelID.description == hopJSON["short_channel_id"] as! String, "\(title)")
            }
        }
    }

    /// Accepted fields in wire order match the vector's, and skipped ones its ignored list.
    private func checkFieldOrder(_ fields: [InvoiceField], _ expected: [String: Any], _ title: String) {
        let accepted = fields.filter { if case .skipped = $0 { false } else { true } }.map(\.tag)
        #expect(accepted == expected["tagged_fields_order"] as! [String], "\(title)")
        let skipped = fields.compactMap { field -> String? in
            if case .skipped(let type, let words) = field { "\(type)/\(words.count)" } else { nil }
        }
        let ignored = (expected["ignored_fields"] as? [[String: Any]] ?? []).map {
            "\(($0["type"] as! NSNumber).intValue)/\(($0["data_length"] as! NSNumber).intValue)"
        }
        #expect(skipped == ignored, "\(title)")
    }
}
