import ChanLedger

/// A network of nodes and channels, as `chan network up` reads it and `chan network export`
/// writes it (docs/topology.md). Only names, amounts and policies: keys, ports and ids are made
/// when the network comes up.
public struct Topology: Codable, Sendable, Equatable {
    /// Confirmations before public channels are announced (absent: 6, as BOLT 7 says).
    public var announceDepth: UInt32?
    public var nodes: [Node]
    public var channels: [Channel]

    public init(announceDepth: UInt32? = nil, nodes: [Node], channels: [Channel]) {
        self.announceDepth = announceDepth
        self.nodes = nodes
        self.channels = channels
    }

    public struct Node: Codable, Sendable, Equatable {
        /// The local name (`chan -n NAME ...`).
        public var name: String
        /// What other nodes see (absent: the name).
        public var alias: String?
        /// The wallet's balance once the channels are funded (absent: zero). What the node's
        /// own channels need comes on top of it.
        public var walletSat: Satoshi?

        public init(name: String, alias: String? = nil, walletSat: Satoshi? = nil) {
            self.name = name
            self.alias = alias
            self.walletSat = walletSat
        }
    }

    /// A channel `from` opens (and funds) to `to`.
    public struct Channel: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var capacitySat: Satoshi
        /// What `from` gives `to` at opening (absent: nothing).
        public var pushMsat: MilliSatoshi?
        /// Not announced (absent: announced).
        public var `private`: Bool?
        /// What `from` asks for forwarding out over this channel (absent: its defaults).
        public var fromPolicy: Policy?
        /// What `to` asks for forwarding out over it (absent: its defaults).
        public var toPolicy: Policy?

        public init(from: String, to: String, capacitySat: Satoshi, pushMsat: MilliSatoshi? = nil, isPrivate: Bool? = nil,
                    fromPolicy: Policy? = nil, toPolicy: Policy? = nil) {
            self.from = from
            self.to = to
            self.capacitySat = capacitySat
            self.pushMsat = pushMsat
            self.private = isPrivate
            self.fromPolicy = fromPolicy
            self.toPolicy = toPolicy
        }
    }

    /// A forwarding policy; fields left out keep the node's defaults.
    public struct Policy: Codable, Sendable, Equatable {
        public var feeBaseMsat: MilliSatoshi?
        public var feeProportionalMillionths: UInt32?
        public var cltvExpiryDelta: UInt16?

        public init(feeBaseMsat: MilliSatoshi? = nil, feeProportionalMillionths: UInt32? = nil, cltvExpiryDelta: UInt16? = nil) {
            self.feeBaseMsat = feeBaseMsat
            self.feeProportionalMillionths = feeProportionalMillionths
            self.cltvExpiryDelta = cltvExpiryDelta
        }
    }
}

extension Topology.Policy {
    /// The part of a channel's live policy a topology file holds.
    public init(_ policy: PolicyJSON) {
        self.init(feeBaseMsat: policy.feeBaseMsat, feeProportionalMillionths: policy.feeProportionalMillionths,
                  cltvExpiryDelta: policy.cltvExpiryDelta)
    }
}
