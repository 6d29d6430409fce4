import ChanCrypto

/// Why a store or a node directory could not be used. Codes are stable.
public enum StoreError: CodedError, Equatable {
    case ledgerExists(String)
    case ledgerNotFound(String)
    case nodeExists(String)
    case nodeNotFound(String)
    case invalidNodeName(String)
    case invalidAlias(String)
    case fileError(path: String, errno: Int32)
    case corruptFile(path: String, why: String)
    case noFreePort
    /// A failure inside SQLite (locked past the busy timeout, disk full, ...).
    case database(String)
    /// A payment of this hash is pending or done already.
    case paymentExists(String, status: String)

    public var code: String {
        switch self {
        case .ledgerExists: "ledger_exists"
        case .ledgerNotFound: "ledger_not_found"
        case .nodeExists: "node_exists"
        case .nodeNotFound: "node_not_found"
        case .invalidNodeName: "invalid_node_name"
        case .invalidAlias: "invalid_alias"
        case .fileError: "file_error"
        case .corruptFile: "corrupt_file"
        case .noFreePort: "no_free_port"
        case .database: "database_error"
        case .paymentExists(_, let status): status == "succeeded" ? "already_paid" : "payment_in_flight"
        }
    }

    public var message: String {
        switch self {
        case .ledgerExists(let path): "a ledger already exists at \(path)"
        case .ledgerNotFound(let path): "no ledger at \(path) (run `chan ledger init` first)"
        case .nodeExists(let name): "a node named '\(name)' already exists"
        case .nodeNotFound(let name): "no node named '\(name)' (see `chan node list`, or `chan node create \(name)`)"
        case .invalidNodeName(let name): "'\(name)' is not a node name: use 1 to 32 of a-z, 0-9, _ and -"
        case .invalidAlias(let alias): "an alias is 1 to 32 bytes of UTF-8 (BOLT 7), not \(alias.utf8.count)"
        case .fileError(let path, let code): "\(path): \(String(cString: strerror(code)))"
        case .corruptFile(let path, let why): "\(path) is corrupt: \(why)"
        case .noFreePort: "could not find a free TCP port on 127.0.0.1"
        case .database(let what): "database error: \(what)"
        case .paymentExists(let hash, let status):
            status == "succeeded" ? "the payment \(hash) was already made" : "the payment \(hash) is already in flight"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
