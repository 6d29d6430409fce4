import ArgumentParser
import ChanAPI
import ChanCore
import ChanCrypto

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode any BOLT 11 invoice (no node needed) and check its signature.",
        discussion: "Example: chan decode $(chan -n dave invoice 1000 | jq -r .invoice)"
    )

    @Argument(help: "The invoice.")
    var invoice: String

    func run() throws {
        let decoded = try Invoice.decode(invoice)
        try Output.json(DecodedInvoice(decoded))
    }
}

/// The fields of a BOLT 11 invoice, as `chan decode` prints them.
struct DecodedInvoice: Encodable {
    let prefix: String
    let network: String
    var amountMsat: UInt64?
    let timestamp: UInt64
    let expiry: UInt64
    let expiresAt: UInt64
    let paymentHash: String
    let paymentSecret: String
    var description: String?
    var descriptionHash: String?
    let payee: String
    let minFinalCltvExpiry: UInt32
    let features: [Int]
    let routeHints: [[Hop]]
    let fallbacks: [Fallback]
    var metadata: String?
    let signature: String

    struct Hop: Encodable {
        let nodeId: String
        let shortChannelId: String
        let feeBaseMsat: UInt64
        let feeProportionalMillionths: UInt32
        let cltvExpiryDelta: UInt16
    }

    struct Fallback: Encodable {
        let version: UInt8
        let program: String
    }

    init(_ invoice: Invoice) {
        prefix = invoice.humanReadablePart
        network = invoice.prefix.rawValue
        amountMsat = invoice.amount?.value
        timestamp = invoice.timestamp
        expiry = invoice.expiry
        expiresAt = invoice.expiresAt
        paymentHash = invoice.paymentHash.hex
        paymentSecret = invoice.paymentSecret.hex
        switch invoice.description {
        case .text(let text):
            description = text
            descriptionHash = nil
        case .hash(let hash):
            description = nil
            descriptionHash = hash.hex
        }
        payee = invoice.payee.hex
        minFinalCltvExpiry = invoice.minFinalCLTVExpiry
        features = invoice.features.bits.map(Int.init)
        routeHints = invoice.routeHints.map { hint in
            hint.hops.map { Hop(nodeId: $0.nodeID.hex, shortChannelId: $0.shortChannelID.description, feeBaseMsat: $0.feeBase.value,
                                feeProportionalMillionths: $0.feeProportionalMillionths, cltvExpiryDelta: $0.cltvExpiryDelta) }
        }
        fallbacks = invoice.fallbacks.map { Fallback(version: $0.version, program: Hex.encode($0.program)) }
        metadata = invoice.metadata.map { Hex.encode($0) }
        signature = Hex.encode(invoice.signature.compact)
    }
}
