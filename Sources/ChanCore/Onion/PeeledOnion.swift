/// What a hop learns from its layer of the onion.
public struct PeeledOnion: Hashable, Sendable {
    public enum Hop: Hashable, Sendable {
        /// Forward `next` over the payload's channel.
        case forward(ForwardingHopPayload, next: OnionRoutingPacket)
        /// The payment ends here.
        case final(FinalHopPayload)
    }

    /// Kept with the HTLC: a failure returned upstream is wrapped with it.
    public let sharedSecret: OnionSharedSecret
    public let hop: Hop

    public var isFinal: Bool {
        switch hop {
        case .forward: false
        case .final: true
        }
    }

    public var payload: HopPayload {
        switch hop {
        case .forward(let payload, _): .forwarding(payload)
        case .final(let payload): .final(payload)
        }
    }

    public var nextPacket: OnionRoutingPacket? {
        switch hop {
        case .forward(_, let next): next
        case .final: nil
        }
    }
}
