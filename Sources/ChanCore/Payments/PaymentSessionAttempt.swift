import ChanLedger

extension PaymentSession {
    /// One HTLC the session sent, or asks the node to send, for part or all of the payment:
    /// the route it takes, the onion and secrets, and how it ended.
    public struct Attempt: Equatable, Sendable {
        public enum Status: Hashable, Sendable {
            case inFlight
            case succeeded
            /// What came back: the failing node, its index on the route, the code.
            case failed(PaymentFailure)
        }

        /// Unique within the session, from 1 in the order launched.
        public let id: UInt64
        /// The pathfinder's route: per hop, node id, short channel id, amount, fee, CLTV delta.
        public let route: Route
        /// The first HTLC (channel, amount, expiry, onion) and the secrets that read a failure.
        public let htlc: PaymentAttempt
        public internal(set) var status: Status
        /// When its result arrived, on the session's clock.
        public internal(set) var resolvedAt: Duration?

        /// What the payee receives from this attempt.
        public var amount: MilliSatoshi { route.amount }
        /// What the forwarding nodes keep if it succeeds.
        public var fee: MilliSatoshi { route.fee }

        public var isInFlight: Bool {
            switch status {
            case .inFlight: true
            case .succeeded, .failed: false
            }
        }

        public var isSucceeded: Bool {
            switch status {
            case .succeeded: true
            case .inFlight, .failed: false
            }
        }
    }

    /// What `plan` asks of the node now.
    public enum Step: Equatable, Sendable {
        /// Send these attempts' HTLCs (`attempt.htlc` over `attempt.htlc.firstHopChannel`).
        case launch([Attempt])
        /// Nothing to send: wait for the attempts in flight.
        case wait
        /// The payment is paid (parts may still be in flight; record them as they resolve).
        case succeeded(preimage: Preimage, fee: MilliSatoshi)
        /// The payment failed (parts may still be in flight: the payment is over when
        /// `isOver`; a preimage arriving meanwhile still makes it succeed).
        case failed(PaymentSessionError)
    }

    /// What `attemptFailed` made of a failure.
    public struct FailureOutcome: Equatable, Sendable {
        /// The `channel_update` the failure carried, as sent (decode it with
        /// `ChannelUpdateMessage(failureField:)`): apply it to the graph before planning again.
        public let channelUpdate: [UInt8]?
        public let interpretation: FailureInterpretation
        /// False when the failure's `channel_update` was new and excused it: nothing learned.
        public let learned: Bool
    }
}
