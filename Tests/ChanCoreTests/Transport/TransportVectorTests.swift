import ChanCore
import ChanCrypto
import Foundation
import Testing

/// BOLT 8 Appendix A: the initiator, responder and message-encryption test vectors.
@Suite struct TransportVectorTests {
    let vectors = try! SharedFixtures.json("vectors/bolt08-transport.json")

    private func bytes(_ value: Any?) -> [UInt8] { TransportFixtures.bytes(value as! String) }

    /// The chaining key after act three, stated by the message test (the same handshake).
    private var finalChainingKey: [UInt8] { bytes(messageTest["ck"]) }
    private var messageTest: [String: Any] { vectors["message_encryption_test"] as! [String: Any] }

    /// The session both successful vectors must end with, from their `sk` and `rk`.
    private func expectedCipher(_ result: [String: Any]) throws -> TransportCipher {
        try TransportCipher(sendingKey: bytes(result["sk"]), receivingKey: bytes(result["rk"]), chainingKey: finalChainingKey)
    }

    /// The exact error a failing vector names, at the act that failed, for the given input.
    private func expectedError(_ result: [String: Any], input: [UInt8]) -> TransportError {
        let act = HandshakeAct(rawValue: result["failing_act"] as! Int)!
        let name = result["error"] as! String
        #expect(name.hasPrefix("ACT\(act.rawValue)_"), "the vector's error names its failing act")
        switch name.dropFirst(5) {
        case "READ_FAILED": return .actReadFailed(act: act, expected: act.length, actual: input.count)
        case "BAD_VERSION": return .badVersion(act: act, version: input[0])
        case "BAD_PUBKEY": return .badPublicKey(act: act)
        case "BAD_TAG": return .badTag(act: act)
        case "BAD_CIPHERTEXT": return .badCiphertext(act: act)
        default:
            Issue.record("unknown vector error \(name)")
            return .unexpectedAct(act)
        }
    }

    private func expectVectorError(_ error: TransportError, _ result: [String: Any], input: [UInt8], _ name: String) {
        #expect(error == expectedError(result, input: input), "\(name)")
        #expect(error.code == "transport_" + (result["error"] as! String).lowercased(), "\(name)")
        if let detail = result["error_detail"] as? String {
            #expect(error == .badVersion(act: HandshakeAct(rawValue: result["failing_act"] as! Int)!, version: UInt8(detail)!))
        }
    }

    @Test func initiatorVectors() throws {
        let tests = vectors["initiator_tests"] as! [[String: Any]]
        #expect(tests.count == 5)
        for test in tests {
            let name = test["name"] as! String
            let keys = test["keys"] as! [String: String]
            let acts = test["acts"] as! [[String: Any]]
            let result = test["result"] as! [String: Any]
            let localStatic = try PrivateKey(secretBytes: bytes(keys["ls.priv"]))
            let ephemeral = try PrivateKey(secretBytes: bytes(keys["e.priv"]))
            #expect(localStatic.publicKey.hex == keys["ls.pub"])
            #expect(ephemeral.publicKey.hex == keys["e.pub"])

            var (initiator, actOne) = try NoiseInitiator.start(
                localStatic: localStatic, remoteStatic: try PublicKey(hex: keys["rs.pub"]!), ephemeral: ephemeral)
            #expect(actOne.count == HandshakeAct.one.length)
            #expect(actOne.hex == acts[0]["output"] as? String, "\(name): act one")
            #expect(initiator.expectedAct == .two)

            let actTwo = bytes(acts[1]["input"])
            if result["ok"] as! Bool {
                let (actThree, cipher) = try initiator.receiveActTwo(actTwo)
                #expect(actThree.count == HandshakeAct.three.length)
                #expect(actThree.hex == acts[2]["output"] as? String, "\(name): act three")
                #expect(cipher == (try expectedCipher(result)), "\(name): sk and rk")
                #expect(initiator.isComplete && initiator.expectedAct == nil && initiator.failure == nil)
                #expect(throws: TransportError.unexpectedAct(.two)) { _ = try initiator.receiveActTwo(actTwo) }
            } else {
                #expect(result["failing_act"] as? Int == 2)
                do {
                    _ = try initiator.receiveActTwo(actTwo)
                    Issue.record("\(name): act two was accepted")
                } catch {
                    expectVectorError(error, result, input: actTwo, name)
                    #expect(initiator.failure == error && initiator.expectedAct == nil && !initiator.isComplete)
                    // Terminal: the same refusal, whatever comes next.
                    #expect(throws: error) { _ = try initiator.receiveActTwo(actTwo) }
                }
            }
        }
    }

    @Test func responderVectors() throws {
        let tests = vectors["responder_tests"] as! [[String: Any]]
        #expect(tests.count == 10)
        // The initiator vectors' static key is the one the responder must learn.
        let initiatorKeys = (vectors["initiator_tests"] as! [[String: Any]])[0]["keys"] as! [String: String]
        let initiatorStatic = try PublicKey(hex: initiatorKeys["ls.pub"]!)
        var failures: Set<String> = []
        for test in tests {
            let name = test["name"] as! String
            let keys = test["keys"] as! [String: String]
            let acts = test["acts"] as! [[String: Any]]
            let result = test["result"] as! [String: Any]
            let failingAct = result["failing_act"] as? Int
            let localStatic = try PrivateKey(secretBytes: bytes(keys["ls.priv"]))
            let ephemeral = try PrivateKey(secretBytes: bytes(keys["e.priv"]))
            #expect(localStatic.publicKey.hex == keys["ls.pub"])
            #expect(ephemeral.publicKey.hex == keys["e.pub"])
            var responder = NoiseResponder(localStatic: localStatic, ephemeral: ephemeral)
            #expect(responder.expectedAct == .one)

            let actOne = bytes(acts[0]["input"])
            if failingAct == 1 {
                do {
                    _ = try responder.receiveActOne(actOne)
                    Issue.record("\(name): act one was accepted")
                } catch {
                    expectVectorError(error, result, input: actOne, name)
                    #expect(responder.failure == error && responder.expectedAct == nil)
                    #expect(throws: error) { _ = try responder.receiveActThree([]) }
                    failures.insert(error.code)
                }
                continue
            }
            let actTwo = try responder.receiveActOne(actOne)
            #expect(actTwo.hex == acts[1]["output"] as? String, "\(name): act two")
            #expect(responder.expectedAct == .three)

            let actThree = bytes(acts[2]["input"])
            if result["ok"] as! Bool {
                let (remoteStatic, cipher) = try responder.receiveActThree(actThree)
                #expect(remoteStatic == initiatorStatic, "\(name): rs")
                #expect(responder.remoteStatic == initiatorStatic && responder.expectedAct == nil)
                #expect(cipher == (try expectedCipher(result)), "\(name): sk and rk")
                #expect(throws: TransportError.unexpectedAct(.one)) { _ = try responder.receiveActOne(actOne) }
            } else {
                #expect(failingAct == 3)
                do {
                    _ = try responder.receiveActThree(actThree)
                    Issue.record("\(name): act three was accepted")
                } catch {
                    expectVectorError(error, result, input: actThree, name)
                    #expect(responder.failure == error && responder.remoteStatic == nil)
                    failures.insert(error.code)
                }
            }
        }
        // Every refusal BOLT 8 lists for the responder, each with its own code.
        #expect(failures == [
            "transport_act1_read_failed", "transport_act1_bad_version", "transport_act1_bad_pubkey", "transport_act1_bad_tag",
            "transport_act3_bad_version", "transport_act3_read_failed", "transport_act3_bad_ciphertext",
            "transport_act3_bad_pubkey", "transport_act3_bad_tag",
        ])
    }

    /// 1002 messages of "hello" from the initiator: outputs 0, 1, 500, 501, 1000 and 1001,
    /// across two rotations of the sending key.
    @Test func messageEncryptionVectors() throws {
        let test = messageTest
        let outputs = test["outputs"] as! [[String: Any]]
        let expected = Dictionary(uniqueKeysWithValues: outputs.map { (($0["n"] as! NSNumber).intValue, $0["ciphertext"] as! String) })
        #expect(expected.keys.sorted() == [0, 1, 500, 501, 1000, 1001])
        let plaintext = bytes(test["plaintext"])
        #expect(plaintext == Array("hello".utf8))

        var sender = try TransportCipher(sendingKey: bytes(test["sk"]), receivingKey: bytes(test["rk"]), chainingKey: bytes(test["ck"]))
        // The peer's view: its receiving key is our sending key.
        var receiver = try TransportCipher(sendingKey: bytes(test["rk"]), receivingKey: bytes(test["sk"]), chainingKey: bytes(test["ck"]))
        var framer = TransportFramer(cipher: receiver)
        var matched = 0
        for n in 0...1001 {
            let wire = try sender.encrypt(plaintext)
            #expect(wire.count == 18 + plaintext.count + 16)
            if let ciphertext = expected[n] {
                #expect(wire.hex == ciphertext, "message \(n)")
                matched += 1
            }
            let length = try receiver.decryptLength(Array(wire.prefix(18)))
            #expect(length == plaintext.count)
            #expect(try receiver.decryptBody(Array(wire.dropFirst(18))) == plaintext)
            #expect(try framer.receive(wire) == [plaintext])
        }
        #expect(matched == 6)
        // 1002 messages use 2004 nonces: two rotations, then four nonces of the third key.
        #expect(sender.sendingNonce == 4 && receiver.receivingNonce == 4)
        #expect(sender.receivingNonce == 0 && receiver.sendingNonce == 0)
    }

    /// The message test's first two messages, part by part (length prefix, then body).
    @Test func encryptionSteps() throws {
        let test = messageTest
        let steps = test["encryption_steps_for_messages_0_and_1"] as! [[String: Any]]
        var cipher = try TransportCipher(sendingKey: bytes(test["sk"]), receivingKey: bytes(test["rk"]), chainingKey: bytes(test["ck"]))
        var wire: [UInt8] = []
        for _ in 0..<2 { wire += try cipher.encrypt(bytes(test["plaintext"])) }
        #expect(wire.hex == steps.map { $0["ciphertext_with_tag"] as! String }.joined())
    }
}
