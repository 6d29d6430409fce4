import ChanCrypto
import ChanLedger
import ChanStore
import Foundation
import Synchronization
import Testing

typealias TempDirectory = TemporaryDirectory

func mode(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return -1 }
    return Int(info.st_mode & 0o777)
}

func key(_ n: UInt8) -> PrivateKey { try! PrivateKey(secretBytes: [UInt8](repeating: n, count: 32)) }

func keySpend(_ utxo: UnspentOutput, signer: PrivateKey, to condition: OutputCondition, fee: UInt64) throws -> Transaction {
    let transaction = Transaction(
        inputs: [TxInput(previousOutput: utxo.outPoint)],
        outputs: [TxOutput(amount: Satoshi(utxo.amount.value - fee), condition: condition)])
    return try transaction.signedForKeys([signer])
}

/// Runs `body` on `count` threads at once and waits for all of them; returns what they threw.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [any Error] {
    let errors = Mutex<[any Error]>([])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            do { try body(index) } catch { errors.withLock { $0.append(error) } }
        }
    }
    group.wait()
    return errors.withLock { $0 }
}
