import ChanCore
import ChanCrypto
import Foundation
import Testing

private func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

/// BOLT 3 Appendix D: per-commitment secret generation and the compact storage tests.
@Suite struct ShachainVectorTests {
    let vectors = try! SharedFixtures.json("vectors/bolt03-shachain.json")

    @Test func generationVectors() throws {
        let tests = vectors["generation_tests"] as! [[String: Any]]
        #expect(tests.count == 5)
        for test in tests {
            let seed = hex(test["seed"] as! String)
            let index = (test["I"] as! NSNumber).uint64Value
            #expect(PerCommitmentSecret.generate(seed: seed, index: index).hex == test["output"] as! String, "\(test["name"]!)")
        }
    }

    @Test func storageVectors() throws {
        let storage = vectors["storage_tests"] as! [String: Any]
        let tests = storage["tests"] as! [[String: Any]]
        #expect(tests.count == 9)
        var steps = 0
        for test in tests {
            var store = ShachainStore()
            for step in test["steps"] as! [[String: Any]] {
                steps += 1
                let index = (step["I"] as! NSNumber).uint64Value
                let secret = hex(step["secret"] as! String)
                let expectOK = (step["expected"] as! String) == "OK"
                var inserted = true
                do { try store.insert(secret: secret, index: index) } catch { inserted = false }
                #expect(inserted == expectOK, "\(test["name"]!) at index \(index)")
                if !inserted { break }
                #expect(store.secret(at: index) == secret)
            }
        }
        #expect(steps == 56)
    }

    @Test func storeRecallsEveryEarlierSecret() throws {
        let seed = SHA256.hash(Array("channel seed".utf8))
        var store = ShachainStore()
        let first = PerCommitmentSecret.firstIndex
        for n in UInt64(0)..<1000 {
            try store.insert(secret: PerCommitmentSecret.generate(seed: seed, index: first - n), index: first - n)
        }
        #expect(store.count == 1000)
        #expect(store.buckets.compactMap { $0 }.count <= 49)
        for n in [UInt64(0), 1, 2, 511, 998, 999] {
            #expect(store.secret(at: first - n) == PerCommitmentSecret.generate(seed: seed, index: first - n))
        }
        #expect(store.secret(at: first - 1000) == nil)
    }
}

/// BOLT 3 Appendix E: key derivation.
@Suite struct KeyDerivationVectorTests {
    let vectors = try! SharedFixtures.json("vectors/bolt03-key-derivation.json")

    @Test func allFourDerivations() throws {
        let inputs = vectors["inputs"] as! [String: String]
        let expected = vectors["expected"] as! [String: String]
        let baseSecret = try PrivateKey(secretBytes: hex(inputs["base_secret"]!))
        let perCommitmentSecret = try PrivateKey(secretBytes: hex(inputs["per_commitment_secret"]!))
        let basepoint = try PublicKey(hex: inputs["base_point"]!)
        let point = try PublicKey(hex: inputs["per_commitment_point"]!)
        #expect(baseSecret.publicKey == basepoint)
        #expect(perCommitmentSecret.publicKey == point)

        #expect(try KeyDerivation.publicKey(basepoint: basepoint, perCommitmentPoint: point).hex == expected["localpubkey"])
        #expect(try KeyDerivation.privateKey(basepointSecret: baseSecret, perCommitmentPoint: point).secretBytes.hex == expected["localprivkey"])
        #expect(try KeyDerivation.revocationPublicKey(revocationBasepoint: basepoint, perCommitmentPoint: point).hex == expected["revocationpubkey"])
        let revocationSecret = try KeyDerivation.revocationPrivateKey(revocationBasepointSecret: baseSecret, perCommitmentSecret: perCommitmentSecret)
        #expect(revocationSecret.secretBytes.hex == expected["revocationprivkey"])
        #expect(revocationSecret.publicKey.hex == expected["revocationpubkey"])
    }
}
