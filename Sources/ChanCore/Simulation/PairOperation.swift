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
    /// Weights: adds 36, fulfils 16, fails 8 + 2 malformed, fee updates 4, signs 16, blocks 3.
    public static func random(in harness: ChannelPairHarness, using random: inout SimulationRandom) -> PairOperation {
        let side: PairSide = random.chance(0.5) ? .alice : .bob
        switch random.weightedIndex([36, 16, 8, 2, 4, 16, 3]) ?? 5 {
        case 0:
            return .addHTLC(from: side, amount: randomAmount(capacity: harness.configuration.capacity, using: &random),
                            expiryDelta: UInt32(random.uint64(in: UInt64(expiryDeltas.lowerBound)...UInt64(expiryDeltas.upperBound))))
        case 1, 2, 3:
            // Settle at a side that has something to settle, if either has.
            let candidates = [side, side.other].filter { !harness.payments.settleableIDs(at: $0).isEmpty }
            guard let receiver = candidates.first, let id = random.element(of: harness.payments.settleableIDs(at: receiver)) else {
                return .sign(side)
            }
            return random.chance(0.7) ? .fulfil(at: receiver, id: id) : random.chance(0.8) ? .fail(at: receiver, id: id) : .failMalformed(at: receiver, id: id)
        case 4:
            // Mostly the opener (the only one allowed); sometimes bob, to be refused.
            let current = harness.channel(.alice).commitments?.latestRemote.spec.feeratePerKw ?? 2500
            let feerate = random.chance(0.7)
                ? random.uint64(in: UInt64(max(253, current / 2))...UInt64(current) * 3 / 2)
                : random.uint64(in: 253...15_000)
            return .updateFee(by: random.chance(0.9) ? .alice : .bob, feeratePerKw: UInt32(feerate))
        case 6:
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
