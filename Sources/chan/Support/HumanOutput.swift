import ArgumentParser
import Foundation

/// `--human` (`-H`): the listings as aligned tables for people, amounts in sat. JSON stays the
/// default; scripts should not parse these tables.
struct HumanFlag: ParsableArguments {
    @Flag(name: [.customShort("H"), .long], help: "Print an aligned table for people instead of JSON.")
    var human = false
}

/// A table: a header row and rows of cells, each column as wide as its widest cell; numbers
/// align right.
struct Table {
    let header: [String]
    var rows: [[String]] = []
    /// Numbers align right (false for a two-column field/value listing).
    var alignsNumbers = true

    func render() -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                let number = alignsNumbers && Double(cell.replacingOccurrences(of: ",", with: "")) != nil
                return number ? pad + cell : cell + pad
            }.joined(separator: "  ").trailingSpacesRemoved  // a right-aligned first column keeps its padding
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

extension String {
    fileprivate var trailingSpacesRemoved: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}

/// How each listing becomes a table, from the daemon's JSON result.
enum Human {
    static func sat(_ value: Any?) -> String {
        guard let number = value as? NSNumber else { return "-" }
        return grouped(number.int64Value)
    }

    static func satFromMsat(_ value: Any?) -> String {
        guard let number = value as? NSNumber else { return "-" }
        let msat = number.int64Value
        return msat % 1000 == 0 ? grouped(msat / 1000) : grouped(msat / 1000) + "." + String(format: "%03d", msat % 1000)
    }

    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func short(_ value: Any?, _ length: Int = 16) -> String {
        guard let text = value as? String else { return "-" }
        return text.count > length ? String(text.prefix(length)) + "…" : text
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        case nil, is NSNull: "-"
        default: "\(value!)"
        }
    }

    static func table(for method: String, _ result: Any) -> String? {
        guard let object = result as? [String: Any] else { return nil }
        switch method {
        case "channels":
            var table = Table(header: ["CHANNEL", "SCID", "PEER", "STATE", "CAPACITY", "LOCAL", "REMOTE", "SPENDABLE", "HTLCS"])
            for channel in object["channels"] as? [[String: Any]] ?? [] {
                table.rows.append([short(channel["channel_id"]), text(channel["short_channel_id"]), short(channel["peer_id"]), text(channel["state"]),
                                   sat(channel["capacity_sat"]), satFromMsat(channel["to_local_msat"]), satFromMsat(channel["to_remote_msat"]),
                                   satFromMsat(channel["spendable_msat"]), "\((channel["htlcs"] as? [Any])?.count ?? 0)"])
            }
            return table.render()
        case "peers":
            var table = Table(header: ["NODE ID", "ADDRESS", "DIRECTION", "READY", "CHANNELS"])
            for peer in object["peers"] as? [[String: Any]] ?? [] {
                table.rows.append([text(peer["node_id"]), text(peer["address"]), text(peer["direction"]), text(peer["ready"] as? Bool == true ? "yes" : "no"),
                                   text(peer["channels"])])
            }
            return table.render()
        case "payments":
            var table = Table(header: ["PAYMENT HASH", "STATUS", "AMOUNT", "FEE", "DESTINATION", "MS", "FAILURE"])
            for payment in object["payments"] as? [[String: Any]] ?? [] {
                table.rows.append([short(payment["payment_hash"]), text(payment["status"]), satFromMsat(payment["amount_msat"]),
                                   satFromMsat(payment["fee_msat"]), short(payment["destination"]), text(payment["duration_ms"]), text(payment["failure_code"])])
            }
            return table.render()
        case "invoices":
            var table = Table(header: ["PAYMENT HASH", "STATUS", "AMOUNT", "RECEIVED", "EXPIRES AT", "DESCRIPTION"])
            for invoice in object["invoices"] as? [[String: Any]] ?? [] {
                table.rows.append([short(invoice["payment_hash"]), text(invoice["status"]), satFromMsat(invoice["amount_msat"]),
                                   satFromMsat(invoice["received_msat"]), text(invoice["expires_at"]), text(invoice["description"])])
            }
            return table.render()
        case "balance":
            var table = Table(header: ["CONFIRMED", "UNCONFIRMED", "TOTAL"])
            table.rows.append([sat(object["confirmed_sat"]), sat(object["unconfirmed_sat"]), sat(object["total_sat"])])
            return table.render()
        case "info":
            let channels = object["channels"] as? [String: Any] ?? [:]
            var table = Table(header: ["FIELD", "VALUE"], alignsNumbers: false)
            table.rows = [["name", text(object["name"])], ["node id", text(object["node_id"])], ["uri", text(object["uri"])],
                          ["height", text(object["block_height"])], ["peers", text(object["peers"])],
                          ["channels", ["pending", "active", "inactive", "closing", "closed"].map { "\(text(channels[$0])) \($0)" }.joined(separator: ", ")],
                          ["version", text(object["version"])], ["pid", text(object["pid"])]]
            return table.render()
        case "node_list":
            var table = Table(header: ["NAME", "ALIAS", "NODE ID", "PORT", "RUNNING", "PID"])
            for node in object["nodes"] as? [[String: Any]] ?? [] {
                table.rows.append([text(node["name"]), text(node["alias"]), short(node["node_id"]), text(node["port"]),
                                   node["running"] as? Bool == true ? "yes" : "no", text(node["pid"])])
            }
            return table.render()
        case "ledger_info":
            var table = Table(header: ["FIELD", "VALUE"], alignsNumbers: false)
            table.rows = [["height", text(object["height"])], ["tip", text(object["tip_hash"])], ["chain", text(object["chain_hash"])],
                          ["mempool", text(object["mempool_size"])], ["utxos", text(object["utxo_count"])],
                          ["unspent", sat(object["unspent_sat"]) + " sat"], ["minted", sat(object["minted_sat"]) + " sat"]]
            return table.render()
        case "route":
            // A multi-part route is one block per part; a single path is one block.
            let object = object["route"] as? [String: Any] ?? object  // with --explain
            let parts = object["parts"] as? [[String: Any]] ?? [object]
            var blocks = [summary(object, label: parts.count > 1 ? "route of \(parts.count) parts" : "route")]
            for (index, part) in parts.enumerated() {
                var table = Table(header: ["HOP", "NODE", "SCID", "AMOUNT", "FEE", "CLTV"])
                for (hop, entry) in (part["hops"] as? [[String: Any]] ?? []).enumerated() {
                    let alias = (entry["alias"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                    table.rows.append(["\(hop + 1)", alias.map { short($0, 20) } ?? short(entry["node_id"]), text(entry["short_channel_id"]),
                                       satFromMsat(entry["amount_msat"]), satFromMsat(entry["fee_msat"]), text(entry["cltv_expiry_delta"])])
                }
                blocks.append((parts.count > 1 ? summary(part, label: "part \(index + 1)") + "\n" : "") + table.render())
            }
            return blocks.joined(separator: "\n\n")
        default:
            return nil
        }
    }

    /// One line about a route or a part: what arrives, the fee, the CLTV and the probability.
    private static func summary(_ route: [String: Any], label: String) -> String {
        let probability = (route["probability"] as? NSNumber).map { String(format: "%.4g", $0.doubleValue) } ?? "-"
        return "\(label): \(satFromMsat(route["amount_msat"])) sat delivered, fee \(satFromMsat(route["fee_msat"])) sat, "
            + "total cltv \(text(route["total_cltv"])), probability \(probability)"
    }
}
