@testable import ChanCore // `RecordChecksum`, to reseal damaged records
import ChanCrypto
import ChanLedger
@testable import ChanSim // the harness's node keys
import Testing

/// `ChannelRecord`: every phase reads back as the channel it was written from, the bytes of a
/// fixed channel are frozen, and damaged bytes, another node's keys or a newer version are
/// refused, never trapped on.
@Suite struct ChannelRecordTests {
    // MARK: Every phase reads back

    @Test func openingAndAwaitingFunding() throws {
        var opening = try ManualOpening()
        expectRoundTrip(opening.alice, opening.aliceNode, "alice after open_channel")
        expectRoundTrip(opening.bob, opening.bobNode, "bob after accept_channel")
        let aliceNode = opening.aliceNode, bobNode = opening.bobNode
        try opening.fundAndSign { alice, bob, step in
            expectRoundTrip(alice, aliceNode, "alice, \(step)")
            expectRoundTrip(bob, bobNode, "bob, \(step)")
        }
        #expect(opening.alice.phase == .awaitingFunding && opening.bob.phase == .awaitingFunding)
        #expect(opening.alice.fundingTransaction != nil && opening.alice.commitments != nil)
    }

    @Test func normalWithHTLCsBothWaysAndPendingUpdates() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 200_000)
        harness.mustAdd(from: .alice, sat: 900) // trimmed as dust
        harness.mustAdd(from: .bob, sat: 30_000)
        harness.mustSettle()
        expectRoundTrip(harness, "HTLCs committed both ways")
        // Proposed, unsigned updates of every kind, then a signature that waits for its revocation.
        harness.mustAdd(from: .alice, sat: 5_000)
        let incoming = harness.payments.settleableIDs(at: .bob)
        harness.fulfil(at: .bob, id: incoming[0])
        harness.fail(at: .bob, id: incoming[1], malformed: true)
        harness.fail(at: .alice, id: harness.payments.settleableIDs(at: .alice)[0])
        harness.must(.alice, .updateFee(feeratePerKw: 3000))
        expectRoundTrip(harness, "updates proposed")
        harness.must(.alice, .sign)
        expectRoundTrip(harness, "awaiting alice's revocation")
        harness.deliver { side, message in side == .alice && message.isRevokeAndAck }
        expectRoundTrip(harness, "mid commitment dance")
        harness.mustSettle()
        expectRoundTrip(harness, "settled")
        #expect(!harness.channel(.alice).commitments!.preimages.isEmpty)
        expectNoViolations(harness)
    }

    @Test func disconnectedWithAReplayPending() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 40_000)
        harness.mustSettle()
        harness.disconnect()
        harness.fulfil(at: .bob, id: harness.payments.settleableIDs(at: .bob)[0])
        #expect(!harness.channel(.bob).pendingReplay.isEmpty)
        expectRoundTrip(harness, "disconnected")
        harness.reconnect()
        expectRoundTrip(harness, "awaiting channel_reestablish")
        harness.mustSettle()
        expectRoundTrip(harness, "reconnected")
    }

    @Test func shuttingDownClosingAndClosed() throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .bob, sat: 60_000)
        harness.mustSettle()
        harness.must(.alice, .close)
        harness.mustSettle()
        #expect(harness.channel(.alice).phase == .shuttingDown && harness.channel(.bob).phase == .shuttingDown)
        expectRoundTrip(harness, "shutting down with an HTLC left")
        harness.fulfilEverything()
        #expect(harness.channel(.alice).phase == .closing && harness.channel(.alice).shutdown.closingTransaction != nil)
        expectRoundTrip(harness, "closing")
        harness.mineUntilClosed(maxBlocks: 10)
        #expect(harness.channel(.alice).phase == .closed && harness.channel(.bob).phase == .closed)
        expectRoundTrip(harness, "closed")
        expectNoViolations(harness)
    }

    @Test(arguments: [PairSide.alice, .bob])
    func forceClosingWithTheResolutionInProgress(closer: PairSide) throws {
        var harness = try ChannelPairHarness.standard()
        harness.mustAdd(from: .alice, sat: 200_000, expiryDelta: 40)
        harness.mustAdd(from: .alice, sat: 1_000, expiryDelta: 45)
        harness.mustAdd(from: .bob, sat: 30_000, expiryDelta: 60)
        harness.mustSettle()
        harness.fulfil(at: closer.other, id: harness.payments.settleableIDs(at: closer.other)[0])
        harness.forceClose(closer)
        harness.disconnect()
        expectRoundTrip(harness, "force close broadcast")
        harness.mine(blocks: 2)
        for side in PairSide.allCases {
            #expect(harness.channel(side).phase == .forceClosing && harness.channel(side).onChain?.isComplete == false)
        }
        expectRoundTrip(harness, "commitment confirmed")
        harness.mine(blocks: 14) // past the delay: second-stage transactions and sweeps
        expectRoundTrip(harness, "claims under way")
        harness.mineUntilClosed(maxBlocks: 200)
        expectRoundTrip(harness, "closed")
        #expect(harness.channel(closer).phase == .closed)
    }

    @Test func breachInProgress() throws {
        var harness = try ChannelPairHarness.standard(keySeed: 3, cheater: .bob)
        for round in 1...4 {
            harness.mustAdd(from: .alice, sat: 10_000 * UInt64(round))
            harness.mustAdd(from: .bob, sat: 3_000 * UInt64(round))
            harness.mustSettle()
        }
        let number = try #require(harness.breachableCommitmentNumbers.last)
        harness.breach(with: number)
        harness.mine(blocks: 1)
        let honest = harness.channel(.alice)
        #expect(honest.phase == .forceClosing && honest.onChain?.kind == .revokedCommitment && honest.onChain?.isComplete == false)
        expectRoundTrip(harness, "revoked commitment confirmed")
        harness.mine(blocks: 1)
        expectRoundTrip(harness, "penalty broadcast")
        harness.mineUntilClosed(maxBlocks: 50)
        expectRoundTrip(harness, "closed")
    }

    // MARK: Frozen bytes

    /// The bytes of a fixed channel, in two states that between them hold every kind of field:
    /// a format change that nobody meant shows here. (A deliberate one comes with a new version.)
    @Test func goldenRecords() throws {
        var harness = try ChannelPairHarness.standard(keySeed: 11)
        harness.mustAdd(from: .alice, sat: 200_000, expiryDelta: 40)
        harness.mustAdd(from: .alice, sat: 700, expiryDelta: 45)
        harness.mustAdd(from: .bob, sat: 30_000, expiryDelta: 60)
        harness.mustSettle()
        harness.fulfil(at: .bob, id: harness.payments.settleableIDs(at: .bob)[0])
        harness.mustAdd(from: .alice, sat: 5_000)
        let normal = try ChannelRecord.encode(harness.channel(.alice))
        harness.forceClose(.bob)
        harness.disconnect()
        harness.mine(blocks: 2)
        let forceClosing = try ChannelRecord.encode(harness.channel(.bob))
        #expect(harness.channel(.bob).onChain?.isComplete == false)

        #expect(normal.count == Self.goldenNormal.size)
        #expect(Hex.encode(SHA256.hash(normal)) == Self.goldenNormal.sha256)
        #expect(forceClosing.count == Self.goldenForceClosing.size)
        #expect(Hex.encode(SHA256.hash(forceClosing)) == Self.goldenForceClosing.sha256)
    }

    /// Version 2 records of `goldenRecords`' channel: alice's while normal, bob's while his force
    /// close resolves. (Bob's lost 1,374 bytes when a settled HTLC's onion stopped being kept:
    /// one entry of the incoming onions, its id and packet; the format is the same. Version 1
    /// records were one byte shorter each: the opening's `announce_channel`.)
    static let goldenNormal = (size: 5775, sha256: "20aad89dc86db19b535074e38b9e25c288691a30c7cc3b9154269f514817c571")
    static let goldenForceClosing = (size: 4711, sha256: "d2de8eda16079086fa2bd012ff60a407a7bc48a0d49c50f8b0dce92847e9bfc3")

    /// A version 1 record (no `announce_channel`) reads as the same channel, private. Made from
    /// today's record by taking that one byte out, where the flag changes the bytes.
    @Test func aVersion1RecordStillReads() throws {
        let harness = try Self.smallChannel()
        let channel = harness.channel(.alice)
        #expect(channel.opening.announceChannel == false)
        var announced = channel
        announced.opening.announceChannel = true
        let record = try ChannelRecord.encode(channel), flagged = try ChannelRecord.encode(announced)
        let differing = record.indices.dropLast(ChannelRecord.checksumLength).filter { record[$0] != flagged[$0] }
        let flag = try #require(differing.count == 1 ? differing.first : nil, "the flag is one byte of the record")
        #expect(record[flag] == 0 && flagged[flag] == 1)
        #expect(try ChannelRecord.decode(flagged, nodeKeys: harness.nodeKeys[0]) == announced)

        var version1 = record
        version1.remove(at: flag)
        version1[0] = 0
        version1[1] = 1
        #expect(try ChannelRecord.decode(Self.resealed(version1), nodeKeys: harness.nodeKeys[0]) == channel)
    }

    /// The frame and the first fields, as `ChannelRecord` documents them.
    @Test func recordLayout() throws {
        let harness = try Self.smallChannel()
        let channel = harness.channel(.alice)
        let record = try ChannelRecord.encode(channel)
        #expect(record[0..<2] == [0, 2], "version 2, big-endian")
        #expect(Array(record[2..<10]) == withUnsafeBytes(of: channel.keys.index.bigEndian, Array.init), "the keys' index, u64")
        #expect(Array(record[10..<18]) == Channel.keyCheck(channel.keys))
        #expect(record[18] == 0 && Array(record[19..<84]) == channel.peerID.uncompressed, "a new key, 65 bytes uncompressed")
        #expect(record[84] == (channel.weAreOpener ? 1 : 0))
        let checksum = RecordChecksum.xxh64(record.dropLast(8))
        #expect(Array(record.suffix(8)) == withUnsafeBytes(of: checksum.bigEndian, Array.init), "XXH64 of the rest, big-endian")
    }

    /// XXH64 (seed 0) of known inputs, as libxxhash computes them.
    @Test func checksumVectors() {
        #expect(RecordChecksum.xxh64([][...]) == 0xef46_db37_51d8_e999)
        #expect(RecordChecksum.xxh64(Array("a".utf8)[...]) == 0xd24e_c4f1_a98c_6e5b)
        #expect(RecordChecksum.xxh64(Array("abc".utf8)[...]) == 0x44bc_2cf5_ad77_0999)
        #expect(RecordChecksum.xxh64((0..<32).map { UInt8($0) }[...]) == 0xcbf5_9c51_16ff_32b4)
        #expect(RecordChecksum.xxh64((0..<100).map { UInt8($0 % 251) }[...]) == 0x6ac1_e580_3216_6597)
        #expect(RecordChecksum.xxh64((0..<1003).map { UInt8($0 % 251) }[...]) == 0xf54d_dfe2_7883_bf10)
    }

    // MARK: Refusals

    @Test func anotherNodesKeysAreRefused() throws {
        let harness = try Self.smallChannel()
        let record = try ChannelRecord.encode(harness.channel(.alice))
        let stranger = try NodeKeys(seed: [UInt8](repeating: 7, count: 32))
        for keys in [stranger, harness.nodeKeys[PairSide.bob.rawValue]] {
            #expect(throws: RecordError.self) { try ChannelRecord.decode(record, nodeKeys: keys) }
            do {
                _ = try ChannelRecord.decode(record, nodeKeys: keys)
            } catch {
                #expect(error.code == "record_mismatch")
            }
        }
        // Also before the channel has commitments (and so stored basepoints).
        let opening = try ManualOpening()
        #expect(throws: RecordError.self) { try ChannelRecord.decode(try ChannelRecord.encode(opening.alice), nodeKeys: opening.bobNode) }
    }

    @Test func aNewerVersionIsRefused() throws {
        let harness = try Self.smallChannel()
        var record = try ChannelRecord.encode(harness.channel(.alice))
        record[0] = 0
        record[1] = 3
        do {
            _ = try ChannelRecord.decode(Self.resealed(record), nodeKeys: harness.nodeKeys[0])
            Issue.record("a version 3 record was read")
        } catch {
            #expect(error == .unsupportedVersion(3))
            #expect(error.code == "record_unsupported_version")
        }
    }

    // MARK: Damaged bytes

    @Test func truncatedRecordsAreRefused() throws {
        let harness = try Self.smallChannel()
        let record = try ChannelRecord.encode(harness.channel(.alice))
        let nodeKeys = harness.nodeKeys[0]
        let lengths = Array(0..<64) + Array(stride(from: 64, to: record.count, by: 37)) + Array(record.count - 64..<record.count)
        for length in lengths {
            expectMalformed(Array(record[..<length]), nodeKeys, "\(length) of \(record.count) bytes")
            // Resealed, so that the fields themselves must notice the end.
            if length > 2, length < record.count - ChannelRecord.checksumLength { expectMalformed(Self.resealed(Array(record[..<length]) + [0, 0, 0, 0, 0, 0, 0, 0]), nodeKeys, "\(length) bytes resealed") }
        }
        expectMalformed(record + [0], nodeKeys, "a byte appended")
        expectMalformed(Self.resealed(record + [0]), nodeKeys, "a byte appended, resealed")
    }

    @Test func flippedBitsAreRefused() throws {
        let harness = try Self.smallChannel()
        let record = try ChannelRecord.encode(harness.channel(.alice))
        var random = SplitMix64(seed: 1)
        for round in 0..<2000 {
            var damaged = record
            for _ in 0...(round % 3) {
                let bit = Int(random.next() % UInt64(record.count * 8))
                damaged[bit / 8] ^= 1 << (bit % 8)
            }
            guard damaged != record else { continue }
            expectMalformed(damaged, harness.nodeKeys[0], "round \(round)")
        }
    }

    @Test func randomBytesAreRefused() throws {
        let nodeKeys = try NodeKeys(seed: [UInt8](repeating: 1, count: 32))
        var random = SplitMix64(seed: 2)
        for round in 0..<3000 {
            var bytes = (0..<Int(random.next() % 600)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0, bytes.count >= 2 { bytes[0] = 0; bytes[1] = 1 } // a plausible version
            expectMalformed(bytes, nodeKeys, "round \(round)")
        }
    }

    /// Damage behind a valid checksum (which only a bug could write): the fields themselves are
    /// checked, every read is bounded, and a record that still reads is the canonical encoding
    /// of what it read.
    @Test func resealedDamageNeverTraps() throws {
        var harness = try Self.smallChannel()
        harness.forceClose(.alice)
        harness.mine(blocks: 2)
        let nodeKeys = harness.nodeKeys[0]
        var random = SplitMix64(seed: 3)
        var read = 0
        for channel in [try Self.smallChannel().channel(.alice), harness.channel(.alice)] {
            let record = try ChannelRecord.encode(channel)
            // Behind the version and the key check, which refuse any change outright.
            let body = 2 + 8 + Channel.keyCheckLength
            for round in 0..<1500 {
                var damaged = Array(record.dropLast(ChannelRecord.checksumLength))
                let offset = body + Int(random.next() % UInt64(damaged.count - body))
                switch round % 3 {
                case 0: damaged[offset] ^= 1 << (random.next() % 8)
                case 1: damaged[offset] = UInt8(truncatingIfNeeded: random.next())
                default: damaged.replaceSubrange(offset..., with: (0..<Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                }
                let resealed = Self.resealed(damaged + [0, 0, 0, 0, 0, 0, 0, 0])
                guard let decoded = try? ChannelRecord.decode(resealed, nodeKeys: nodeKeys) else { continue }
                read += 1
                #expect(try ChannelRecord.encode(decoded) == resealed, "round \(round): not the canonical encoding")
            }
        }
        #expect(read > 0, "no damage that still reads: the canonical check ran on nothing")
    }

    // MARK: Support

    /// A normal channel with one HTLC each way: a small record, for the loops.
    static func smallChannel() throws -> ChannelPairHarness {
        var harness = try ChannelPairHarness.standard(keySeed: 5)
        harness.mustAdd(from: .alice, sat: 20_000)
        harness.mustAdd(from: .bob, sat: 10_000)
        harness.mustSettle()
        return harness
    }

    /// `record` with its last 8 bytes replaced by the checksum of the rest.
    static func resealed(_ record: [UInt8]) -> [UInt8] {
        let body = record.dropLast(ChannelRecord.checksumLength)
        return Array(body) + withUnsafeBytes(of: RecordChecksum.xxh64(body).bigEndian, Array.init)
    }
}

/// `channel`'s record read back with `nodeKeys` must be `channel`.
func expectRoundTrip(_ channel: Channel, _ nodeKeys: NodeKeys, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let restored = try ChannelRecord.decode(try ChannelRecord.encode(channel), nodeKeys: nodeKeys)
        #expect(restored == channel, "\(context): the record does not read back as the channel", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(context): \(error.message)", sourceLocation: sourceLocation)
    }
}

/// Both channels of `harness` read back from their records.
func expectRoundTrip(_ harness: ChannelPairHarness, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for side in PairSide.allCases {
        expectRoundTrip(harness.channel(side), harness.nodeKeys[side.rawValue], "\(side), \(context)", sourceLocation: sourceLocation)
    }
}

/// `bytes` must be refused as damaged, by a thrown error (a trap would end the test run).
func expectMalformed(_ bytes: [UInt8], _ nodeKeys: NodeKeys, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ChannelRecord.decode(bytes, nodeKeys: nodeKeys)
        Issue.record("\(context): damaged bytes were read as a channel", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == "record_malformed" || error.code == "record_mismatch" || error.code == "record_unsupported_version",
                "\(context): \(error.message)", sourceLocation: sourceLocation)
    }
}

/// Two channels opened by hand, message by message, up to `awaitingFunding`: the harness
/// only hands out channels from `normal` on. No ledger: the funding transaction is made up.
struct ManualOpening {
    let aliceNode: NodeKeys
    let bobNode: NodeKeys
    var alice: Channel
    var bob: Channel
    let funding: TxOutput
    let now: UInt64 = 1_700_000_000

    /// alice sent `open_channel`, bob answered, alice asked her wallet for the funding.
    init() throws {
        aliceNode = try NodeKeys(seed: [UInt8](repeating: 0xa1, count: 32))
        bobNode = try NodeKeys(seed: [UInt8](repeating: 0xb0, count: 32))
        let capacity = Satoshi(1_000_000)
        let opened = try Channel.open(
            keys: aliceNode.channelKeys(index: 7), peerID: bobNode.nodeKey.publicKey, chainHash: .zero,
            temporaryChannelID: try ChannelID([UInt8](repeating: 0x77, count: 32)), fundingAmount: capacity,
            pushAmount: MilliSatoshi(100_000_000), feeratePerKw: 2500, localConfig: .defaults(capacity: capacity),
            destination: .key(aliceNode.walletKey(index: 0).publicKey), currentHeight: 100, now: now)
        guard case .send(.openChannel(let open)) = opened.1.first else { throw RecordError.mismatch("no open_channel") }
        let accepted = try Channel.accept(
            open, keys: bobNode.channelKeys(index: 3), peerID: aliceNode.nodeKey.publicKey, chainHash: .zero,
            localConfig: .defaults(capacity: capacity), minimumDepth: 3,
            destination: .key(bobNode.walletKey(index: 0).publicKey), currentHeight: 100, now: now)
        guard case .send(.acceptChannel(let accept)) = accepted.1.first else { throw RecordError.mismatch("no accept_channel") }
        alice = opened.0
        bob = accepted.0
        guard case .fundingNeeded(let amount, let condition) = try alice.handle(.message(.acceptChannel(accept)), now: now).first else {
            throw RecordError.mismatch("no funding request")
        }
        funding = TxOutput(amount: amount, condition: condition)
    }

    /// `funding_created` and `funding_signed`, calling `check` after each step.
    mutating func fundAndSign(_ check: (Channel, Channel, String) -> Void) throws {
        let wallet = aliceNode.walletKey(index: 0)
        var transaction = Transaction(
            inputs: [TxInput(previousOutput: OutPoint(txid: try TxID(bytes: [UInt8](repeating: 0x11, count: 32)), index: 1))],
            outputs: [funding, TxOutput(amount: Satoshi(50_000), condition: .key(wallet.publicKey))])
        transaction.inputs[0].witness = .keySignature(try wallet.sign(digest: transaction.sighash(inputIndex: 0)))
        guard case .send(let created) = try alice.handle(.command(.fundingTransactionReady(transaction, outputIndex: 0)), now: now).first else {
            throw RecordError.mismatch("no funding_created")
        }
        check(alice, bob, "funding_created sent")
        let sent = try bob.handle(.message(created), now: now).compactMap { if case .send(let message) = $0 { message } else { nil } }
        check(alice, bob, "funding_created received")
        _ = try alice.handle(.message(try #require(sent.first)), now: now)
        check(alice, bob, "funding_signed received")
        _ = try alice.handle(.ledger(.blockConnected(height: 101)), now: now)
        _ = try bob.handle(.ledger(.blockConnected(height: 101)), now: now)
        check(alice, bob, "a block later")
    }
}
