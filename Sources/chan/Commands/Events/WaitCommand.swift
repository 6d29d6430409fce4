import ArgumentParser
import ChanAPI
import ChanCore

struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until something holds, so scripts need no sleep: a channel state, a height, a payment, a peer.",
        discussion: """
            Exactly one of: --channel ID --state STATE, --height H, --payment HASH (ours or one of our \
            invoices settled), --peer PEER (connected). Prints what it waited for; fails with timeout.

            Example: chan -n alice wait --channel $ID --state normal --timeout 30
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "A channel_id or short_channel_id (with --state).")
    var channel: String?

    @Option(help: "opening, awaiting_funding, normal, shutting_down, closing, force_closing or closed.")
    var state: String?

    @Option(help: "A ledger height the node must have processed.")
    var height: UInt32?

    @Option(help: "A payment hash.")
    var payment: String?

    @Option(help: "A local node name or node id.")
    var peer: String?

    @Option(help: "Seconds before giving up.")
    var timeout: UInt64 = 60

    func run() throws {
        let phase = try state.map { text throws -> ChannelPhase in
            guard let phase = ChannelPhase(rawValue: text) else {
                throw APIError(code: "invalid_state", message: "'\(text)' is not a channel state (\(ChannelPhase.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return phase
        }
        let peerID = try peer.map { try PeerAddress.resolve($0, home: global.resolvedHome).nodeID }
        let params = WaitParams(channel: channel, state: phase, height: height, payment: payment, peer: peerID, timeoutSeconds: timeout)
        // The RPC waits a little longer than the condition, so the daemon's timeout answers first.
        try global.printCall("wait", params)
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Stream the node's events as NDJSON (channel states, HTLCs, payments, invoices, blocks, peers) until interrupted.",
        discussion: "Example: chan -n alice events | jq -c ."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.client().stream("events", NoParams()) { line in
            Output.eventLine(line)
            return true
        }
    }
}
