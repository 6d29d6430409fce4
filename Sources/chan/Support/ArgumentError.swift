import ChanCrypto
import ChanLedger
import ChanStore

/// A mistake in the command line itself, as opposed to the state of the world (no funds, no
/// route, a node that is not running). ChanMain exits 64 for these, with the command's usage
/// line and a pointer to its `--help`; every other coded error exits 1 (DESIGN.md section 7).
protocol ArgumentMistake: CodedError {
    var isAboutArguments: Bool { get }
}

/// A bad argument found by a command's own checks; the code names the mistake
/// (`invalid_amount`, `invalid_pubkey`...) and stays stable for scripts.
struct ArgumentError: ArgumentMistake {
    let code: String
    let message: String
    var isAboutArguments: Bool { true }
}

/// The chan process parses every amount it is given from its command line and does no money
/// arithmetic that could fail on its own: an amount error here is always about an argument.
extension AmountError: ArgumentMistake {
    var isAboutArguments: Bool { true }
}

/// The ledger's decoding errors and the block count come from arguments; the rest (dust,
/// spent inputs, max money...) are the ledger's rules applied to the world.
extension LedgerError: ArgumentMistake {
    var isAboutArguments: Bool {
        switch self {
        case .malformedTxID, .malformedOutPoint, .malformedHash, .invalidAddress, .invalidBlockCount: true
        default: false
        }
    }
}

/// A node name or alias that breaks the naming rules is a bad argument; a home or node that
/// is missing, or already there, is the state of the world.
extension StoreError: ArgumentMistake {
    var isAboutArguments: Bool {
        switch self {
        case .invalidNodeName, .invalidAlias: true
        default: false
        }
    }
}

extension MilliSatoshi {
    /// An amount argument that must be above zero (what a payment delivers): refused here,
    /// as a usage error, before any daemon sees it.
    static func parsePositiveArgument(_ text: String) throws(AmountError) -> MilliSatoshi {
        let amount = try parse(text)
        guard amount > .zero else { throw .notPositive }
        return amount
    }
}
