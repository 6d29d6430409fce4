import ChanAPI
import ChanCore
import ChanCrypto
import ChanLedger
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `chan route --graph FILE --batch`: one graph load, then one query per line of standard
/// input (NDJSON), one answer per line of standard output, in order. A query is
/// `{"from": ID, "to": ID, "amount_msat": N}` plus any option of `route` under its snake_case
/// name (`mpp`, `explain`, `max_fee_msat`, `cltv_limit`, ...); the command line's options are
/// the defaults a line overrides. An answer is exactly what `chan route` prints for that
/// query, on one line, or `{"error": {"code", "message"}}`: a bad line never stops the batch.
struct RouteBatch {
    /// A longer line is answered with an error (and skipped), so input cannot grow memory.
    static let lineLimit = 64 * 1024

    let graph: ChannelGraph
    let mpp: Bool
    let explain: Bool
    /// The command line's route options, as the JSON object a line's keys are laid over.
    let defaultOptions: [String: JSONValue]

    init(graph: ChannelGraph, mpp: Bool, explain: Bool, options: RouteOptionsJSON) throws {
        self.graph = graph
        self.mpp = mpp
        self.explain = explain
        _ = try options.routeOptions()  // the command line's own options are checked once, up front
        // Every key of RouteOptionsJSON is written (unset ones as null), so this object also
        // names the option keys a line may carry: a new option needs no change here.
        guard case .object(let object) = try JSONValueEncoder().encode(options) else {
            throw APIError(code: "internal_error", message: "route options are not a JSON object")
        }
        defaultOptions = object
    }

    /// The keys of a line that are not route options.
    static let queryKeys: Set<String> = ["from", "to", "amount_msat", "mpp", "explain"]

    /// Lines answered together, on all cores, when they are already read.
    static let groupLimit = 256

    func run(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        let pathfinders = PathfinderPool(graph: graph)
        var reader = BoundedLineReader(descriptor: input, limit: Self.lineLimit)
        var answered = 0
        while let first = reader.next() {
            // A script that writes a line and waits for its answer gets it at once: only lines
            // already read join the group.
            var group = [first]
            while group.count < Self.groupLimit, reader.hasBufferedLine, let line = reader.next() { group.append(line) }
            let firstNumber = answered + 1
            let answers = ParallelMap.map(count: group.count) { index in
                pathfinders.with { self.answer(group[index], number: firstNumber + index, $0) }
            }
            answered += group.count
            var bytes: [UInt8] = []
            for answer in answers { bytes += answer + [0x0a] }
            Output.write(to: output, bytes)
        }
    }

    func answer(_ line: BoundedLineReader.Line, number: Int, _ pathfinder: Pathfinder) -> [UInt8] {
        switch line {
        case .line(let bytes):
            answer(bytes, number: number, pathfinder)
        case .tooLong(let length):
            Self.errorLine(code: "line_too_long", message: "line \(number) has \(length) bytes; a query line holds at most \(Self.lineLimit)")
        case .unreadable(let errno):
            Self.errorLine(code: "input_unreadable", message: "standard input: \(String(cString: strerror(errno)))")
        }
    }

    /// The answer to one line, as compact JSON.
    func answer(_ line: [UInt8], number: Int, _ pathfinder: Pathfinder) -> [UInt8] {
        do {
            let (query, multiPart, explain) = try self.query(line, number: number)
            return try Self.compactJSON(try RouteAnswer.json(pathfinder, query, multiPart: multiPart, explain: explain))
        } catch let error as CodedError {
            return Self.errorLine(code: error.code, message: "line \(number): \(error.message)")
        } catch {
            return Self.errorLine(code: "internal_error", message: "line \(number): \(error)")
        }
    }

    /// A line read as a query: its keys checked, the command line's options under it.
    func query(_ line: [UInt8], number: Int) throws -> (RouteQuery, multiPart: Bool, explain: Bool) {
        var parser = JSONParser()
        parser.maximumLength = Self.lineLimit
        guard case .object(let fields) = try? parser.parse(line) else {
            throw BatchLineError.invalid("not a JSON object")
        }
        if let unknown = fields.keys.filter({ !Self.queryKeys.contains($0) && defaultOptions[$0] == nil }).sorted().first {
            let known = (Self.queryKeys.union(defaultOptions.keys)).sorted().joined(separator: ", ")
            throw BatchLineError.invalid("unknown key '\(unknown)' (known: \(known))")
        }
        guard case .string(let to) = fields["to"] else { throw BatchLineError.invalid("'to' (a node id) is required") }
        let payee = try RouteArguments.node(try RouteArguments.nodeID(to, option: "to"), in: graph, option: "to")
        let payer: NodeIndex
        switch fields["from"] {
        case .string(let from): payer = try RouteArguments.node(try RouteArguments.nodeID(from, option: "from"), in: graph, option: "from")
        case nil, .null?:
            guard let source = graph.defaultPayer else { throw BatchLineError.missingPayer }
            payer = source
        default: throw BatchLineError.invalid("'from' must be a node id")
        }
        let amount: UInt64
        switch fields["amount_msat"] {
        case .integer(let value)? where value > 0: amount = UInt64(value)
        case .unsigned(let value)?: amount = value
        default: throw BatchLineError.invalidAmount
        }

        var optionFields = defaultOptions
        for (key, value) in fields where defaultOptions[key] != nil { optionFields[key] = value }
        let optionsJSON: RouteOptionsJSON
        do {
            optionsJSON = try RPCJSON.decoder().decode(RouteOptionsJSON.self, from: Data(RPCJSON.writer.bytes(.object(optionFields))))
        } catch {
            throw BatchLineError.invalid("an option has the wrong type (\(Self.describe(error)))")
        }
        let query = RouteQuery(payer: payer, payee: payee, amount: MilliSatoshi(amount), options: try optionsJSON.routeOptions())
        return (query, try flag("mpp", fields) ?? mpp, try flag("explain", fields) ?? explain)
    }

    private func flag(_ key: String, _ fields: [String: JSONValue]) throws -> Bool? {
        switch fields[key] {
        case nil, .null?: nil
        case .bool(let value)?: value
        default: throw BatchLineError.invalid("'\(key)' must be true or false")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    // MARK: JSON

    /// One answer on one line, keys as `chan route` prints them.
    static func compactJSON(_ value: any Encodable) throws -> [UInt8] {
        JSONWriter(layout: .compact).bytes(try JSONValueEncoder().encode(value))
    }

    static func errorLine(code: String, message: String) -> [UInt8] {
        JSONWriter(layout: .compact).bytes(Output.envelope("error", code: code, message: message))
    }
}

/// What is wrong with one query line (the batch goes on).
enum BatchLineError: CodedError {
    case invalid(String)
    case invalidAmount
    case missingPayer

    var code: String {
        switch self {
        case .invalid: "invalid_query"
        case .invalidAmount: "invalid_amount"
        case .missingPayer: "missing_payer"
        }
    }

    var message: String {
        switch self {
        case .invalid(let why): why
        case .invalidAmount: "'amount_msat' must be a positive integer (msat)"
        case .missingPayer: "'from' is required: this graph marks no default payer (\"source\": true)"
        }
    }
}

/// Pathfinders keep per-search scratch state: each thread of a group borrows its own.
final class PathfinderPool: @unchecked Sendable {
    private let graph: ChannelGraph
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var idle: [Pathfinder] = []  // guarded by `mutex`

    init(graph: ChannelGraph) {
        self.graph = graph
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func with<Result>(_ body: (Pathfinder) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        let borrowed = idle.popLast()
        pthread_mutex_unlock(mutex)
        let pathfinder = borrowed ?? Pathfinder(graph: graph)
        defer {
            pthread_mutex_lock(mutex)
            idle.append(pathfinder)
            pthread_mutex_unlock(mutex)
        }
        return body(pathfinder)
    }
}
