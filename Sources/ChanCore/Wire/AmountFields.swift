import ChanLedger

/// Amounts travel as plain `u64`; these keep them typed on both sides of the codec.
extension WireReader {
    public mutating func readSatoshi() throws(WireError) -> Satoshi { Satoshi(try readU64()) }
    public mutating func readMilliSatoshi() throws(WireError) -> MilliSatoshi { MilliSatoshi(try readU64()) }
}

extension WireWriter {
    public mutating func writeSatoshi(_ amount: Satoshi) { writeU64(amount.value) }
    public mutating func writeMilliSatoshi(_ amount: MilliSatoshi) { writeU64(amount.value) }
}
