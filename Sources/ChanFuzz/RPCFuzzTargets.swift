import ChanAPI
import FoundationEssentials

/// The JSON-RPC socket's two readers: `JSONParser` (how the CLI reads a daemon's answers) and
/// the request decoding of the daemon's router (header, then each method's params).
enum RPCFuzzTargets {
    /// An accepted value written back by the RPC writer parses to the same value (a number
    /// may change its case: the writer prints an integral double as an integer, which JSON
    /// does not tell apart).
    static let jsonParser = FuzzTarget("json_parser", "JSONParser.parse, written back and parsed again") { input throws(FuzzFailure) in
        guard let value = try? JSONParser().parse(input) else { return }
        let written = RPCJSON.writer.bytes(value)
        let again: JSONValue
        do { again = try JSONParser().parse(written) } catch { throw FuzzFailure(message: "written JSON does not parse: \(error)") }
        try require(same(again, value), "JSON reads back as another value: \(String(decoding: written.prefix(200), as: UTF8.self))")
    }

    /// Equal as JSON: numbers by value, whatever case holds them.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        case (.double(let d), .integer(let i)), (.integer(let i), .double(let d)):
            return Int64(exactly: d) == i
        case (.double(let d), .unsigned(let u)), (.unsigned(let u), .double(let d)):
            return UInt64(exactly: d) == u
        default:
            return a == b
        }
    }

    /// A request line as the router reads it: the header, then the params of every method
    /// that takes some. Params that decode re-encode to a request whose params decode equal.
    static let request = FuzzTarget("rpc_request", "RPC request header and params decoding") { input throws(FuzzFailure) in
        let line = Data(input)
        guard let header = try? RPCJSON.decoder().decode(RPCRequestHeader.self, from: line) else { return }
        try roundTrip(OpenParams.self, line, header)
        try roundTrip(ChannelParams.self, line, header)
        try roundTrip(CloseParams.self, line, header)
        try roundTrip(InvoiceParams.self, line, header)
        try roundTrip(PayParams.self, line, header)
        try roundTrip(RouteParams.self, line, header)
        try roundTrip(ConnectParams.self, line, header)
        try roundTrip(SendParams.self, line, header)
        try roundTrip(FeesSetParams.self, line, header)
        try roundTrip(WaitParams.self, line, header)
    }

    static func roundTrip<Params: Codable & Sendable & Equatable>(
        _ type: Params.Type, _ line: Data, _ header: RPCRequestHeader
    ) throws(FuzzFailure) {
        let decoder = RPCJSON.decoder()
        guard let params = try? decoder.decode(RPCRequestParams<Params>.self, from: line).params else { return }
        let written: [UInt8]
        do {
            written = try RPCJSON.line(RPCRequest(id: header.id ?? .number(0), method: header.method, params: params))
        } catch {
            throw FuzzFailure(message: "\(Params.self) decoded but does not encode: \(error)")
        }
        let again = try? decoder.decode(RPCRequestParams<Params>.self, from: Data(written)).params
        try require(again == params, "\(Params.self) reads back as other params: \(String(decoding: written.prefix(300), as: UTF8.self))")
    }
}
