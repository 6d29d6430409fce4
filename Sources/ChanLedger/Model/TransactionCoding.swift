import ChanCrypto

/// The deterministic binary form of transactions (big-endian integers, as on the BOLT wire).
///
/// Layout: version u32 | kind u8 (+ serial u64 | height u32) | input count u16 | inputs
/// (txid 32 | index u32) | output count u16 | outputs (amount u64 | condition) | locktime u32
/// | then, if witnesses are included, one witness (tag u8 | fields) per input, tag 0 = none.
extension Transaction {
    public func serialized(includingWitnesses: Bool = true) -> [UInt8] {
        var encoder = LedgerEncoder()
        encoder.u32(version)
        switch kind {
        case .regular: encoder.u8(0)
        case .mint(let serial): encoder.u8(1); encoder.u64(serial)
        case .coinbase(let height): encoder.u8(2); encoder.u32(height)
        }
        encoder.u16(UInt16(truncatingIfNeeded: inputs.count))
        for input in inputs {
            encoder.bytes(input.previousOutput.txid.bytes)
            encoder.u32(input.previousOutput.index)
        }
        encoder.u16(UInt16(truncatingIfNeeded: outputs.count))
        for output in outputs {
            encoder.u64(output.amount.value)
            encoder.condition(output.condition)
        }
        encoder.u32(locktime)
        if includingWitnesses {
            for input in inputs { encoder.witness(input.witness) }
        }
        return encoder.output
    }

    /// Parses the full serialization (witnesses included). Every read is bounded; malformed
    /// bytes throw `LedgerError.malformedTransaction`, never trap.
    public init(serialized bytes: [UInt8]) throws(LedgerError) {
        var decoder = LedgerDecoder(bytes)
        let version = try decoder.u32()
        let kind: Kind
        switch try decoder.u8() {
        case 0: kind = .regular
        case 1: kind = .mint(serial: try decoder.u64())
        case 2: kind = .coinbase(height: try decoder.u32())
        default: throw .malformedTransaction("unknown transaction kind")
        }
        let inputCount = Int(try decoder.u16())
        var previousOutputs: [OutPoint] = []
        previousOutputs.reserveCapacity(min(inputCount, bytes.count / 36))
        for _ in 0..<inputCount {
            let txid = TxID(hash: try decoder.bytes(32))
            previousOutputs.append(OutPoint(txid: txid, index: try decoder.u32()))
        }
        let outputCount = Int(try decoder.u16())
        var outputs: [TxOutput] = []
        outputs.reserveCapacity(min(outputCount, bytes.count / 42))
        for _ in 0..<outputCount {
            let amount = Satoshi(try decoder.u64())
            outputs.append(TxOutput(amount: amount, condition: try decoder.condition()))
        }
        let locktime = try decoder.u32()
        var inputs: [TxInput] = []
        for previous in previousOutputs {
            inputs.append(TxInput(previousOutput: previous, witness: try decoder.witness()))
        }
        guard decoder.isAtEnd else { throw .malformedTransaction("trailing bytes") }
        self.init(version: version, kind: kind, inputs: inputs, outputs: outputs, locktime: locktime)
    }
}

struct LedgerEncoder {
    private(set) var output: [UInt8] = []

    mutating func u8(_ value: UInt8) { output.append(value) }
    mutating func u16(_ value: UInt16) { append(value) }
    mutating func u32(_ value: UInt32) { append(value) }
    mutating func u64(_ value: UInt64) { append(value) }
    mutating func bytes(_ value: [UInt8]) { output += value }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { output += $0 }
    }

    mutating func condition(_ condition: OutputCondition) {
        switch condition {
        case .key(let key):
            u8(0); bytes(key.compressed)
        case .multisig2(let first, let second):
            u8(1); bytes(first.compressed); bytes(second.compressed)
        case .toLocal(let revocation, let delayed, let delay):
            u8(2); bytes(revocation.compressed); bytes(delayed.compressed); u16(delay)
        case .offeredHTLC(let revocation, let local, let remote, let hash):
            u8(3); bytes(revocation.compressed); bytes(local.compressed); bytes(remote.compressed); bytes(hash.bytes)
        case .receivedHTLC(let revocation, let local, let remote, let hash, let expiry):
            u8(4); bytes(revocation.compressed); bytes(local.compressed); bytes(remote.compressed); bytes(hash.bytes); u32(expiry)
        }
    }

    mutating func witness(_ witness: Witness?) {
        guard let witness else { u8(0); return }
        switch witness {
        case .keySignature(let signature): u8(1); bytes(signature.compact)
        case .multisig(let first, let second): u8(2); bytes(first.compact); bytes(second.compact)
        case .revocation(let signature): u8(3); bytes(signature.compact)
        case .delayed(let signature): u8(4); bytes(signature.compact)
        case .offeredPreimage(let remote, let preimage): u8(5); bytes(remote.compact); bytes(preimage.bytes)
        case .offeredTimeout(let local, let remote): u8(6); bytes(local.compact); bytes(remote.compact)
        case .receivedPreimage(let local, let remote, let preimage): u8(7); bytes(local.compact); bytes(remote.compact); bytes(preimage.bytes)
        case .receivedTimeout(let remote): u8(8); bytes(remote.compact)
        }
    }
}

struct LedgerDecoder {
    private let input: [UInt8]
    private var offset = 0

    init(_ input: [UInt8]) { self.input = input }

    var isAtEnd: Bool { offset == input.count }

    mutating func bytes(_ count: Int) throws(LedgerError) -> [UInt8] {
        guard count >= 0, input.count - offset >= count else { throw .malformedTransaction("truncated") }
        defer { offset += count }
        return Array(input[offset..<(offset + count)])
    }

    mutating func u8() throws(LedgerError) -> UInt8 { try bytes(1)[0] }
    mutating func u16() throws(LedgerError) -> UInt16 { try integer() }
    mutating func u32() throws(LedgerError) -> UInt32 { try integer() }
    mutating func u64() throws(LedgerError) -> UInt64 { try integer() }

    private mutating func integer<T: FixedWidthInteger>() throws(LedgerError) -> T {
        try bytes(MemoryLayout<T>.size).reduce(T.zero) { $0 << 8 | T($1) }
    }

    mutating func key() throws(LedgerError) -> PublicKey {
        do { return try PublicKey(compressed: try bytes(33)) } catch { throw .malformedTransaction("invalid public key") }
    }

    mutating func signature() throws(LedgerError) -> Signature {
        do { return try Signature(compact: try bytes(64)) } catch { throw .malformedTransaction("invalid signature") }
    }

    mutating func condition() throws(LedgerError) -> OutputCondition {
        switch try u8() {
        case 0: return .key(try key())
        case 1: return .multisig2(try key(), try key())
        case 2: return .toLocal(revocationKey: try key(), delayedKey: try key(), toSelfDelay: try u16())
        case 3: return .offeredHTLC(revocationKey: try key(), localHTLCKey: try key(), remoteHTLCKey: try key(), paymentHash: try PaymentHash(bytes: try bytes(32)))
        case 4: return .receivedHTLC(revocationKey: try key(), localHTLCKey: try key(), remoteHTLCKey: try key(), paymentHash: try PaymentHash(bytes: try bytes(32)), cltvExpiry: try u32())
        default: throw .malformedTransaction("unknown output condition")
        }
    }

    mutating func witness() throws(LedgerError) -> Witness? {
        switch try u8() {
        case 0: return nil
        case 1: return .keySignature(try signature())
        case 2: return .multisig(try signature(), try signature())
        case 3: return .revocation(try signature())
        case 4: return .delayed(try signature())
        case 5: return .offeredPreimage(remoteSignature: try signature(), preimage: try Preimage(bytes: try bytes(32)))
        case 6: return .offeredTimeout(localSignature: try signature(), remoteSignature: try signature())
        case 7: return .receivedPreimage(localSignature: try signature(), remoteSignature: try signature(), preimage: try Preimage(bytes: try bytes(32)))
        case 8: return .receivedTimeout(remoteSignature: try signature())
        default: throw .malformedTransaction("unknown witness")
        }
    }
}
