import ChanCrypto
import ChanLedger
import ChanStore
import Foundation
import Synchronization
import Testing

/// A fresh directory for one test; `home` is a path inside it that does not exist yet.
struct TempDirectory: ~Copyable {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/chan-store-test.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    var home: Home { Home(path: path + "/home") }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

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
