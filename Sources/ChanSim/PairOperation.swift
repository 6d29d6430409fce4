import ChanCore
import ChanLedger

/// One thing a node operator (or the world) does to a channel pair in a random run.
public enum PairOperation: Hashable, Sendable {
    case addHTLC(from: PairSide, amount: MilliSatoshi, expiryDelta: UInt32)
    case fulfil(at: PairSide, id: UInt64)
    case fail(at: PairSide, id: UInt64)
    case failMalformed(at: PairSide, id: UInt64)
    case updateFee(by: PairSide, feeratePerKw: UInt32)
    case sign(PairSide)
    case mineBlock

    /// HTLC expiries are drawn this far above the tip...
    public static let expiryDeltas: ClosedRange<UInt32> = 40...400
    /// ...and no block is mined while an HTLC expires within this many blocks of it, so the
    /// channels never have to force close over a deadline (a node fails such HTLCs back long
    /// before; the deadlines are tested on their own).
    public static let expiryMargin: UInt32 = Channel.fulfilledHTLCSafetyMargin + 4

    /// A random operation that makes sense now (it may still be refused: a refusal is fine).
    /// Weights: adds 32, settlements 6 per committed incoming HTLC (so that about five stay
    /// pending, as on a busy channel, with bursts), fee updates 4, signs 8, blocks 3. Signs
    /// are rarer than updates, so commitments often batch several (as nodes do); the channels
    /// also sign on their own when they answer a signature or a revocation.
    public static func random(in harness: ChannelPairHarness, using random: inout SimulationRandom) -> PairOperation {
        let side: PairSide = random.chance(0.5) ? .alice : .bob
        let settleable = PairSide.allCases.map { harness.payments.settleableIDs(at: $0) }
        let settleWeight = UInt64(6 * (settleable[0].count + settleable[1].count))
        switch random.weightedIndex([32, settleWeight, 4, 8, 3]) ?? 3 {
        case 0:
            return .addHTLC(from: side, amount: randomAmount(capacity: harness.configuration.capacity, using: &random),
                            expiryDelta: UInt32(random.uint64(in: UInt64(expiryDeltas.lowerBound)...UInt64(expiryDeltas.upperBound))))
        case 1:
            let index = Int(random.below(UInt64(settleable[0].count + settleable[1].count)))
            let (receiver, id) = index < settleable[0].count
                ? (PairSide.alice, settleable[0][index]) : (PairSide.bob, settleable[1][index - settleable[0].count])
            switch random.weightedIndex([70, 24, 6]) ?? 0 {
            case 0: return .fulfil(at: receiver, id: id)
            case 1: return .fail(at: receiver, id: id)
            default: return .failMalformed(at: receiver, id: id)
            }
        case 2:
            // Mostly the opener (the only one allowed); sometimes the other side, to be refused.
            let opener = harness.configuration.opener
            let current = harness.channel(opener).commitments?.latestRemote.spec.feeratePerKw ?? 2500
            let feerate = random.chance(0.7)
                ? random.uint64(in: UInt64(max(253, current / 2))...UInt64(current) * 3 / 2)
                : random.uint64(in: 253...15_000)
            return .updateFee(by: random.chance(0.9) ? opener : opener.other, feeratePerKw: UInt32(feerate))
        case 4:
            return harness.mayMineSafely ? .mineBlock : .sign(side)
        default:
            return .sign(side)
        }
    }

    /// Dust-sized (often below the HTLC minimum or trimmed), medium, and large amounts, all
    /// with msat remainders.
    static func randomAmount(capacity: Satoshi, using random: inout SimulationRandom) -> MilliSatoshi {
        let capacityMsat = capacity.value * 1000
        switch random.weightedIndex([35, 45, 20]) ?? 1 {
        case 0: return MilliSatoshi(random.uint64(in: 1...3_000_000))
        case 1: return MilliSatoshi(random.uint64(in: 3_000_000...max(3_000_000, capacityMsat / 50)))
        default: return MilliSatoshi(random.uint64(in: 1...capacityMsat * 2 / 5))
        }
    }
}

extension ChannelPairHarness {
    /// Carries out one operation (counted in `statistics.operations`).
    public mutating func perform(_ operation: PairOperation) {
        statistics.operations += 1
        switch operation {
        case .addHTLC(let side, let amount, let delta): addHTLC(from: side, amount: amount, expiryDelta: delta)
        case .fulfil(let side, let id): fulfil(at: side, id: id)
        case .fail(let side, let id): fail(at: side, id: id)
        case .failMalformed(let side, let id): fail(at: side, id: id, malformed: true)
        case .updateFee(let side, let feerate): command(side, .updateFee(feeratePerKw: feerate))
        case .sign(let side): command(side, .sign)
        case .mineBlock: mine()
        }
    }

    /// No HTLC anywhere in either channel expires within `PairOperation.expiryMargin` blocks of the next one.
    public var mayMineSafely: Bool {
        let next = height + 1
        return channels.allSatisfy { channel in
            guard let expiry = channel.commitments?.nearestExpiry else { return true }
            return expiry > next + PairOperation.expiryMargin
        }
    }
}

extension Commitments {
    /// The earliest CLTV expiry of any HTLC in a commitment or on its way into one.
    var nearestExpiry: UInt32? {
        var nearest: UInt32?
        func consider(_ expiry: UInt32) { nearest = min(nearest ?? expiry, expiry) }
        for spec in [local.spec, remote.spec, latestRemote.spec] {
            for htlc in spec.htlcs { consider(htlc.cltvExpiry) }
        }
        for update in localChanges.proposed + localChanges.signed + localChanges.acked + remoteChanges.proposed + remoteChanges.signed + remoteChanges.acked {
            if case .add(let add) = update { consider(add.cltvExpiry) }
        }
        return nearest
    }
}
