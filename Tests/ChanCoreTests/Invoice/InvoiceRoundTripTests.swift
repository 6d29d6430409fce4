import ChanCore
import ChanCrypto
import ChanLedger
import Testing

/// Our own invoices: building, signing, decoding them again, and the helpers a payer and a
/// payee use (expiry, amounts).
@Suite struct InvoiceRoundTripTests {
    typealias Support = InvoiceTestSupport

    let nodeKey = try! PrivateKey(secretBytes: SHA256.hash(Array("invoice test node".utf8)))
    let now: UInt64 = 1_700_000_000

    func hop(_ seed: String, block: UInt32, fee: UInt64) throws -> RouteHintHop {
        RouteHintHop(
            nodeID: try PrivateKey(secretBytes: SHA256.hash(Array(seed.utf8))).publicKey,
            shortChannelID: try ShortChannelID(block: block, transactionIndex: 7, outputIndex: 1),
            feeBase: MilliSatoshi(fee), feeProportionalMillionths: 250, cltvExpiryDelta: 40)
    }

    @Test func ownRegtestInvoiceWithRouteHintsRoundTrips() throws {
        let hints = [
            RouteHint(hops: [try hop("a", block: 101, fee: 1000), try hop("b", block: 102, fee: 0)]),
            RouteHint(hops: [try hop("c", block: 103, fee: UInt64(UInt32.max))]),
        ]
        let unsigned = try Invoice.make(
            amount: MilliSatoshi(123_456_789), paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
            description: .text("ナンセンス 1杯 and a private channel"), expiry: 600, minFinalCLTVExpiry: 40,
            routeHints: hints, timestamp: now)
        let invoice = try unsigned.signed(with: nodeKey)
        #expect(invoice.encoded.hasPrefix("lnbcrt1234567890p1"))
        #expect(invoice.prefix == .regtest)

        let decoded = try Invoice.decode(invoice.encoded)
        #expect(decoded == invoice)
        #expect(decoded.payee == nodeKey.publicKey)
        #expect(decoded.payeeSource == .recovered)
        #expect(decoded.amount == MilliSatoshi(123_456_789))
        #expect(decoded.routeHints == hints)
        #expect(decoded.routeHints[0].hops[0].policy.feeBase == MilliSatoshi(1000))
        #expect(decoded.routeHints[0].hops[0].policy.cltvExpiryDelta == 40)
        #expect(decoded.expiry == 600)
        #expect(decoded.minFinalCLTVExpiry == 40)
        #expect(decoded.features == .standard)
        #expect(decoded.fields.map(\.tag) == ["p", "s", "d", "x", "c", "r", "r", "9"])
        #expect(try Invoice.decode(invoice.encoded.uppercased()) == invoice)
        // Deterministic signatures: the same invoice signs to the same string.
        #expect(try unsigned.signed(with: nodeKey).encoded == invoice.encoded)
    }

    @Test func defaultsAndAnyAmountInvoice() throws {
        let invoice = try Invoice.make(
            amount: nil, paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
            description: .hash(try Hash32(SHA256.hash(Array("long text".utf8)))), timestamp: now
        ).signed(with: nodeKey)
        let decoded = try Invoice.decode(invoice.encoded)
        #expect(decoded.humanReadablePart == "lnbcrt")
        #expect(decoded.amount == nil)
        #expect(decoded.expiry == 3600)
        #expect(decoded.minFinalCLTVExpiry == 18)
        #expect(decoded.fields.map(\.tag) == ["p", "s", "h", "c", "9"])
        #expect(decoded.description.matches("long text"))
    }

    @Test func amountsUseTheShortestMultiplier() throws {
        let cases: [(UInt64, String)] = [
            (1, "10p"), (15, "150p"), (100, "1n"), (1000, "10n"), (100_000, "1u"), (250_000_000, "2500u"),
            (100_000_000, "1m"), (100_000_000_000, "1"), (2_100_000_000_000_000_000, "21000000"),
            (UInt64.max, "184467440737095516150p"),
        ]
        for (msat, text) in cases {
            let unsigned = UnsignedInvoice(prefix: .bitcoin, amount: MilliSatoshi(msat), timestamp: now, fields: [])
            #expect(unsigned.humanReadablePart == "lnbc" + text)
        }
        // The largest amount still decodes back exactly.
        let invoice = try Invoice.make(
            prefix: .signet, amount: MilliSatoshi(.max), paymentHash: Support.paymentHash,
            paymentSecret: Support.paymentSecret, description: .text(""), timestamp: now
        ).signed(with: nodeKey)
        #expect(try Invoice.decode(invoice.encoded).amount == MilliSatoshi(.max))
    }

    @Test func amountWrittenWithASmallerMultiplierDecodesAndKeepsItsText() throws {
        let text = Support.sign(hrp: "lnbc2500000n", words: Support.minimalWords())
        let invoice = try Invoice.decode(text)
        #expect(invoice.amount == MilliSatoshi(250_000_000))
        #expect(invoice.humanReadablePart == "lnbc2500000n")
        #expect(invoice.payee == Support.specKey.publicKey)
        #expect(try invoice.unsigned.signed(with: Support.specKey).encoded == text)
        // Once the amount changes, the shortest form is written.
        var changed = invoice.unsigned
        changed.amount = MilliSatoshi(250_000_000)
        #expect(changed.humanReadablePart == "lnbc2500u")
    }

    @Test func badAmountsAreRefused() {
        let cases: [(String, String)] = [
            ("lnbc0m", "invoice_invalid_amount"), ("lnbc025m", "invoice_invalid_amount"),
            ("lnbc25mm", "invoice_invalid_amount"), ("lnbc25x", "invoice_invalid_multiplier"),
            ("lnbc11p", "invoice_sub_msat_amount"), ("lnbc99999999999999999999", "invoice_amount_overflow"),
            ("lnbc999999999999", "invoice_amount_overflow"), ("lnxy25m", "invoice_unknown_prefix"),
            ("bc25m", "invoice_unknown_prefix"),
        ]
        for (hrp, code) in cases {
            let text = Support.sign(hrp: hrp, words: Support.minimalWords())
            #expect(Support.decodeError(text)?.code == code, "\(hrp)")
        }
    }

    @Test func everyPrefixRoundTrips() throws {
        for prefix in InvoicePrefix.allCases {
            let invoice = try Invoice.make(
                prefix: prefix, amount: MilliSatoshi(10_000), paymentHash: Support.paymentHash,
                paymentSecret: Support.paymentSecret, description: .text("x"), timestamp: now
            ).signed(with: nodeKey)
            #expect(try Invoice.decode(invoice.encoded).prefix == prefix)
        }
    }

    @Test func expiry() throws {
        let invoice = try Invoice.make(
            amount: nil, paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
            description: .text("x"), expiry: 60, timestamp: now
        ).signed(with: nodeKey)
        #expect(invoice.expiresAt == now + 60)
        #expect(!invoice.isExpired(now: now))
        #expect(!invoice.isExpired(now: now + 60))
        #expect(invoice.isExpired(now: now + 61))

        let forever = UnsignedInvoice(prefix: .regtest, amount: nil, timestamp: now, fields: [.expiry(.max)])
        #expect(forever.expiresAt == .max)
        #expect(!forever.isExpired(now: .max))
        let unset = UnsignedInvoice(prefix: .regtest, amount: nil, timestamp: now, fields: [])
        #expect(unset.expiresAt == now + 3600)
    }

    @Test func amountChecks() throws {
        func invoice(_ amount: UInt64?) throws -> Invoice {
            try Invoice.make(
                amount: amount.map(MilliSatoshi.init), paymentHash: Support.paymentHash,
                paymentSecret: Support.paymentSecret, description: .text("x"), timestamp: now
            ).signed(with: nodeKey)
        }
        let fixed = try invoice(1000)
        #expect(try fixed.amountToPay() == MilliSatoshi(1000))
        #expect(try fixed.amountToPay(requested: MilliSatoshi(1500)) == MilliSatoshi(1500))
        #expect(throws: InvoiceError.amountBelowInvoice(requested: MilliSatoshi(999), invoice: MilliSatoshi(1000))) {
            try fixed.amountToPay(requested: MilliSatoshi(999))
        }
        #expect(throws: InvoiceError.amountAboveLimit(requested: MilliSatoshi(2001), limit: MilliSatoshi(2000))) {
            try fixed.amountToPay(requested: MilliSatoshi(2001))
        }
        #expect(fixed.accepts(received: MilliSatoshi(1000)))
        #expect(fixed.accepts(received: MilliSatoshi(2000)))
        #expect(!fixed.accepts(received: MilliSatoshi(999)))
        #expect(!fixed.accepts(received: MilliSatoshi(2001)))

        let open = try invoice(nil)
        #expect(throws: InvoiceError.amountRequired) { try open.amountToPay() }
        #expect(throws: InvoiceError.amountRequired) { try open.amountToPay(requested: .zero) }
        #expect(try open.amountToPay(requested: MilliSatoshi(5)) == MilliSatoshi(5))
        #expect(open.accepts(received: MilliSatoshi(1)))
        #expect(!open.accepts(received: .zero))

        #expect(try invoice(UInt64.max).maximumAcceptedAmount == MilliSatoshi(.max))
    }

    @Test func makeRefusesWhatAReaderWouldRefuse() throws {
        func make(
            amount: MilliSatoshi? = nil, description: String = "x", routeHints: [RouteHint] = [],
            features: InvoiceFeatures = .standard, timestamp: UInt64 = 1
        ) throws(InvoiceError) -> UnsignedInvoice {
            try Invoice.make(
                amount: amount, paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
                description: .text(description), routeHints: routeHints, features: features, timestamp: timestamp)
        }
        #expect(throws: InvoiceError.invalidAmount("0")) { try make(amount: .zero) }
        #expect(throws: InvoiceError.invalidTimestamp(1 << 35)) { try make(timestamp: 1 << 35) }
        #expect(throws: InvoiceError.unknownRequiredFeature(bit: 100)) {
            try make(features: InvoiceFeatures([8, 14, 100]))
        }
        #expect(throws: InvoiceError.fieldTooLong(tag: "d", words: 1024)) {
            try make(description: String(repeating: "a", count: 640))
        }
        _ = try make(description: String(repeating: "a", count: 639))
        #expect(throws: InvoiceError.self) { try make(routeHints: [RouteHint(hops: [])]) }
        let expensive = try hop("a", block: 1, fee: UInt64(UInt32.max) + 1)
        #expect(throws: InvoiceError.self) { try make(routeHints: [RouteHint(hops: [expensive])]) }
        let long = try (0..<13).map { try hop("\($0)", block: 1, fee: 1) }
        #expect(throws: InvoiceError.fieldTooLong(tag: "r", words: 1061)) { try make(routeHints: [RouteHint(hops: long)]) }
        _ = try make(routeHints: [RouteHint(hops: Array(long.prefix(12)))])
        // A fallback version readers skip would not round-trip.
        var unsigned = try make()
        unsigned.fields.append(.fallback(FallbackAddress(version: 19, program: [1, 2])))
        #expect(throws: InvoiceError.self) { try unsigned.signed(with: nodeKey) }
        // A raw field that a reader would parse as a payment hash is refused too.
        var confusing = try make()
        confusing.fields.append(.skipped(type: 1, words: [UInt8](repeating: 0, count: 52)))
        #expect(throws: InvoiceError.invalidField(tag: "p", reason: "it reads back as a different field")) {
            try confusing.signed(with: nodeKey)
        }
    }

    @Test func payeeField() throws {
        var unsigned = try Invoice.make(
            amount: nil, paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
            description: .text("x"), timestamp: now)
        unsigned.fields.insert(.payee(nodeKey.publicKey), at: 0)
        let invoice = try unsigned.signed(with: nodeKey)
        let decoded = try Invoice.decode(invoice.encoded)
        #expect(decoded.payeeSource == .field)
        #expect(decoded.payee == nodeKey.publicKey)
        #expect(decoded == invoice)
        #expect(throws: InvoiceError.payeeMismatch) { try unsigned.signed(with: Support.specKey) }

        // Signed by another key than `n` names: the signature does not verify.
        let (hrp, words) = Support.words(of: invoice.encoded)
        let forged = Support.sign(hrp: hrp, words: Array(words.dropLast(104)), with: Support.specKey)
        #expect(Support.decodeError(forged) == .invalidSignature)
    }

    @Test func tamperingChangesTheRecoveredPayee() throws {
        let invoice = try Invoice.make(
            amount: MilliSatoshi(1000), paymentHash: Support.paymentHash, paymentSecret: Support.paymentSecret,
            description: .text("x"), timestamp: now
        ).signed(with: nodeKey)
        let (_, words) = Support.words(of: invoice.encoded)
        // Same data and signature under a larger amount, with a fresh checksum.
        let tampered = Bech32.encode(humanReadablePart: "lnbcrt1m", data: words)
        if let decoded = try? Invoice.decode(tampered) {
            #expect(decoded.payee != nodeKey.publicKey)
        }
    }

    @Test func readerRulesOnCraftedInvoices() throws {
        typealias S = Support
        let base = S.timestampWords + S.field("p", bytes: S.paymentHash.bytes) + S.field("s", bytes: S.hash32)
        let features = S.field("9", [16, 8, 0])
        func error(_ words: [UInt8]) -> InvoiceError? { S.decodeError(S.sign(hrp: "lnbc", words: words)) }

        #expect(error(S.minimalWords()) == nil)
        #expect(error(S.timestampWords + S.field("s", bytes: S.hash32) + S.field("d", bytes: [0x41]) + features)
            == .missingPaymentHash)
        #expect(error(base + features) == .missingDescription)
        #expect(error(base + S.field("d", bytes: [0x41]) + S.field("h", bytes: S.hash32) + features)
            == .conflictingDescriptions)
        // A wrong-length `s` is skipped, which leaves no secret.
        #expect(error(S.timestampWords + S.field("p", bytes: S.paymentHash.bytes) + S.field("s", bytes: [1])
            + S.field("d", bytes: [0x41])) == .missingPaymentSecret)
        #expect(error(S.minimalWords(extra: S.field("x", [0, 1]))) == .nonMinimalField(tag: "x"))
        #expect(error(S.minimalWords(extra: S.field("c", [0]))) == .nonMinimalField(tag: "c"))
        #expect(error(base + S.field("d", bytes: [0x41]) + S.field("9", [0, 16, 8, 0])) == .nonMinimalField(tag: "9"))
        #expect(error(S.minimalWords(extra: S.field("c", [UInt8](repeating: 31, count: 7)))) == .invalidField(
            tag: "c", reason: "34359738367 does not fit 32 bits"))
        #expect(error(S.minimalWords(extra: S.field("x", [UInt8](repeating: 31, count: 13))))?.code
            == "invoice_invalid_field")
        #expect(error(S.minimalWords(extra: S.field("d", [31])))?.code == "invoice_invalid_field")
        #expect(error(base + S.field("d", bytes: [0xff, 0xfe]) + features)?.code == "invoice_invalid_field")
        #expect(error(S.minimalWords(extra: S.field("r", bytes: [UInt8](repeating: 2, count: 50))))?.code
            == "invoice_invalid_field")
        #expect(error(S.minimalWords(extra: S.field("f", []))) == .invalidField(tag: "f", reason: "no version"))
        #expect(error(S.minimalWords(extra: [3, 0])) == .truncatedField(tag: "r"))
        #expect(error(S.minimalWords(extra: [3, 0, 5, 1])) == .truncatedField(tag: "r"))
        // An odd unknown feature is fine; the empty `9` field too.
        #expect(error(base + S.field("d", bytes: [0x41]) + S.field("9", [16] + [UInt8](repeating: 0, count: 19))) == nil)
        #expect(error(base + S.field("d", bytes: [0x41]) + S.field("9", [])) == nil)
        // Unknown types and a fallback of unknown version are skipped and kept.
        let skipping = S.sign(hrp: "lnbc", words: S.minimalWords(extra: S.field("2", [1, 2]) + S.field("f", [19, 4])))
        let invoice = try Invoice.decode(skipping)
        #expect(invoice.fields.suffix(2) == [.skipped(type: 10, words: [1, 2]), .skipped(type: 9, words: [19, 4])])
        #expect(try invoice.unsigned.signed(with: S.specKey).encoded == skipping)
    }

    @Test func bech32LayerErrors() {
        let good = Support.valid[0]["invoice"] as! String
        #expect(Support.decodeError(String(repeating: "q", count: Invoice.maxLength + 1))
            == .tooLong(length: Invoice.maxLength + 1, limit: Invoice.maxLength))
        #expect(Support.decodeError(good + "é") == .invalidCharacter)
        #expect(Support.decodeError("1" + good.dropFirst(5)) == .malformedBech32)
        #expect(Support.decodeError("") == .missingSeparator)
        #expect(Support.decodeError("lnbc1qqqqq") == .malformedBech32)
        #expect(Support.decodeError(Bech32.encode(humanReadablePart: "lnbc", data: [1, 2, 3])) == .tooShort(words: 3))
    }
}
