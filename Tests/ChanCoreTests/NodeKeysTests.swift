import ChanCore
import ChanCrypto
import Testing

/// One derivation rule for every key of a node (`NodeKeys`).
@Suite struct NodeKeysTests {
    let seed = [UInt8](repeating: 7, count: 32)

    @Test func keysAreDeterministicAndSeparated() throws {
        let a = try NodeKeys(seed: seed), b = try NodeKeys(seed: seed)
        #expect(a.nodeKey == b.nodeKey)
        #expect(a.walletKey(index: 3) == b.walletKey(index: 3))
        #expect(a.walletKey(index: 0) != a.walletKey(index: 1))
        #expect(a.walletKey(index: 0) != a.nodeKey)
        // HMAC-SHA256(seed, label): the node id of a seed never changes.
        #expect(a.nodeKey.secretBytes == HMACSHA256.authenticate(key: seed, message: Array("node".utf8)))
        #expect(a.walletKey(index: 2).secretBytes == HMACSHA256.authenticate(key: seed, message: Array("wallet".utf8) + [0, 0, 0, 2]))
        #expect(throws: CryptoError.invalidLength(what: "a node seed", expected: 32, actual: 3)) { try NodeKeys(seed: [1, 2, 3]) }
    }

    @Test func channelKeysDependOnTheIndexAndTheRole() throws {
        let keys = try NodeKeys(seed: seed)
        let first = keys.channelKeys(index: 0), again = keys.channelKeys(index: 0), second = keys.channelKeys(index: 1)
        #expect(first == again)
        #expect(first.index == 0 && second.index == 1)
        #expect(first.basepoints != second.basepoints)
        let roles = [first.funding, first.revocationBasepointSecret, first.paymentBasepointSecret,
                     first.delayedPaymentBasepointSecret, first.htlcBasepointSecret]
        #expect(Set(roles.map(\.secretBytes)).count == roles.count)
        #expect(first.funding.secretBytes == HMACSHA256.authenticate(
            key: seed, message: Array("channel".utf8) + [UInt8](repeating: 0, count: 8) + Array("funding".utf8)))
    }

    @Test func theSeedNeverPrints() throws {
        let keys = try NodeKeys(seed: seed)
        for text in ["\(keys)", String(reflecting: keys), "\(keys.channelKeys(index: 0))"] {
            #expect(!text.contains("7, 7") && !text.contains("0707"))
        }
    }
}
