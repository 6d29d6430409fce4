import ChanAPI
import ChanCore
import ChanCrypto
@testable import ChanNode
import ChanStore
import Testing

/// The batch of one loop turn: writes merge per channel, in first-staged order, and whatever
/// is held waits behind them in the order it came.
@Suite struct GroupCommitTests {
    static func row(_ record: UInt8) -> ChannelRow {
        ChannelRow(channelID: try! ChannelID([UInt8](repeating: 1, count: 32)), peerID: key(2).publicKey, phase: .normal, record: [record])
    }

    @Test func writesMergePerChannelAndHeldEffectsKeepTheirOrder() throws {
        var batch = GroupCommit()
        #expect(!batch.isHolding)
        let change = StateChange(time: 1, old: .normal, new: .shuttingDown, cause: "close")
        batch.stage(ChannelWrite(index: 5, row: Self.row(1)))
        batch.hold(.send(.ping(Ping(numPongBytes: 1, ignored: [])), to: key(2).publicKey, connection: 1))
        batch.stage(ChannelWrite(index: 3, row: Self.row(7)))
        batch.stage(ChannelWrite(index: 5, row: Self.row(2), stateChanges: [change]))
        batch.hold(.send(.ping(Ping(numPongBytes: 2, ignored: [])), to: key(2).publicKey, connection: 1))
        #expect(batch.isHolding)
        let (writes, held) = batch.take()
        #expect(writes.map(\.index) == [5, 3])
        #expect(writes[0].row?.record == [2] && writes[0].stateChanges == [change])
        let pongSizes = held.compactMap { effect -> UInt16? in
            if case .send(.ping(let ping), _, _) = effect { ping.numPongBytes } else { nil }
        }
        #expect(pongSizes == [1, 2])
        #expect(!batch.isHolding && batch.take().writes.isEmpty)
    }

    @Test func somethingHeldKeepsLaterEffectsWaitingEvenWithoutAWrite() {
        var batch = GroupCommit()
        batch.hold(.publish(NodeEvent.block(height: 3)))
        #expect(batch.isHolding)
    }
}
