import ChanCrypto
import ChanLedger
import ChanStore
import Foundation
// `key(n)` and `concurrently` for every file of the target.
@_exported import ChanTestSupport
import Testing

typealias TempDirectory = TemporaryDirectory

func mode(_ path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { return -1 }
    return Int(info.st_mode & 0o777)
}

func keySpend(_ utxo: UnspentOutput, signer: PrivateKey, to condition: OutputCondition, fee: UInt64) throws -> Transaction {
    let transaction = Transaction(
        inputs: [TxInput(previousOutput: utxo.outPoint)],
        outputs: [TxOutput(amount: Satoshi(utxo.amount.value - fee), condition: condition)])
    return try transaction.signedForKeys([signer])
}
