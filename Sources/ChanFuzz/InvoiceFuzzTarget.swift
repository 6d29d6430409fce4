import ChanCore
import ChanLedger

/// BOLT 11 invoices as pasted on the command line. First byte: even, the rest is the text;
/// odd, the rest is the 5-bit words (each byte mod 32) after a human-readable part picked by
/// the second byte, with a valid checksum added, so the field decoders are reached. An
/// accepted invoice is canonical: its encoding is the input, lowercased, and reads back equal.
enum InvoiceFuzzTarget {
    static let prefixes = ["lnbc", "lnbcrt", "lntb", "lntbs", "lnbc1", "lnbc10p", "lnbc2500u", "lnbc20m", "lnbc1p", "lnbc99999999999999999999p", "ln"]

    static let invoice = FuzzTarget("invoice", "Invoice.decode of the text, or of checksummed words") { input throws(FuzzFailure) in
        var script = FuzzInput(input)
        let text: String
        if script.u8() & 1 == 0 {
            text = String(decoding: script.rest(), as: UTF8.self)
        } else {
            let prefix = prefixes[Int(script.u8()) % prefixes.count]
            text = Bech32.encode(humanReadablePart: prefix, data: script.rest().map { $0 & 31 })
        }
        guard let invoice = try? Invoice.decode(text) else { return }
        try require(invoice.encoded == text.lowercased(), "an accepted invoice is not its own encoding")
        try require((try? Invoice.decode(invoice.encoded)) == invoice, "an invoice reads back as another")
    }
}
