import ChanAPI
import ChanLedger
import Foundation
import Testing

/// The daemon and the CLI read what the other writes: every key as `RPCJSON.line` spells it
/// (nulls included) decodes back to the same value with `RPCJSON.decoder()`.
@Suite struct RPCJSONRoundTripTests {
    private func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let line = try RPCJSON.line(value)
        #expect(line.last == 0x0a && !line.dropLast().contains(0x0a), sourceLocation: sourceLocation)
        #expect(try RPCJSON.decoder().decode(T.self, from: Data(line)) == value, "\(String(decoding: line, as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    @Test func paramsAndResultsWithAndWithoutTheirOptionals() throws {
        let big = MilliSatoshi(1 << 60)  // above 2^53: exact on the socket
        try roundTrip(InvoiceParams(amountMsat: nil, description: "a/b \"c\" é", expiry: 3600))
        try roundTrip(InvoiceParams(amountMsat: big, description: "", expiry: 1, hold: true))
        try roundTrip(PayParams(invoice: nil, amountMsat: nil, timeoutSeconds: 60))
        try roundTrip(PayParams(invoice: "lnbc1", amountMsat: big, timeoutSeconds: 60, maxFeeMsat: MilliSatoshi(5), keysend: "02ab", corruptOnion: true))
        let hop = AttemptJSON.Hop(nodeId: "02ab", shortChannelId: "1x2x3", amountMsat: big, feeMsat: .zero, cltvExpiryDelta: 40)
        let attempt = AttemptJSON(id: .max, status: "failed", amountMsat: big, feeMsat: .zero, route: [hop], failingNode: nil, failingHop: 1, failureCode: nil)
        try roundTrip(PaymentsResult(payments: [
            PaymentJSON(status: "pending", paymentHash: "00", preimage: nil, amountMsat: big, feeMsat: .zero, destination: "02ab", createdAt: 1,
                        durationMs: nil, failureCode: nil, failureMessage: nil, attempts: [attempt]),
        ]))
        try roundTrip(PaymentsResult(payments: []))
        try roundTrip(RouteParams(to: "02ab", amountMsat: big, mpp: true, explain: false,
                                  options: RouteOptionsJSON(maxFeeMsat: nil, cltvLimit: 10, finalCltv: nil, riskFactor: 0.1, noProbability: false)))
    }

    @Test func envelopesCarryNullsAndReadBack() throws {
        struct Plain: Codable, Equatable { var nodeId: String?; var count: UInt64 }
        let result = RPCResult(id: nil, result: Plain(nodeId: nil, count: .max))
        let line = String(decoding: try RPCJSON.line(result), as: UTF8.self)
        #expect(line == #"{"id":null,"jsonrpc":"2.0","result":{"count":18446744073709551615,"node_id":null}}"# + "\n")
        let back = try RPCJSON.decoder().decode(RPCResult<Plain>.self, from: Data(line.utf8))
        #expect(back.result == result.result && back.id == nil)
        let failure = RPCFailure(id: .number(7), error: APIError(code: "node_running", message: "running"))
        let failureLine = try RPCJSON.line(failure)
        let decoded = try RPCJSON.decoder().decode(RPCFailure.self, from: Data(failureLine))
        #expect(RPCFailure.apiError(decoded.error, line: failureLine) == APIError(code: "node_running", message: "running"))
        #expect(decoded.id == .number(7))
        let header = try RPCJSON.decoder().decode(RPCRequestHeader.self, from: Data(try RPCJSON.line(RPCRequest(id: .string("x"), method: "pay", params: NoParams()))))
        #expect(header.method == "pay" && header.id == .string("x"))
    }

    @Test("an error's details cross the socket with their keys as they are")
    func errorDetailsTravel() throws {
        struct Why: Encodable, Sendable { let leftOut: [String]; let maxFeeMsat: UInt64? }
        let api = APIError(code: "no_route", message: "no route", details: try JSONValueEncoder().encode(Why(leftOut: ["a"], maxFeeMsat: nil)))
        #expect(api.details == .object(["left_out": .array([.string("a")]), "max_fee_msat": .null]))
        let line = try RPCJSON.line(RPCFailure(id: .number(1), error: api))
        #expect(String(decoding: line, as: UTF8.self).contains(#""data":{"code":"no_route","details":{"left_out":["a"],"max_fee_msat":null}}"#))
        let header = try RPCJSON.decoder().decode(RPCResponseHeader.self, from: Data(line))
        #expect(RPCFailure.apiError(try #require(header.error), line: line) == api)
        // An error without details sends null and reads back without.
        let plain = try RPCJSON.line(RPCFailure(id: nil, error: APIError(code: "x", message: "y")))
        let plainHeader = try RPCJSON.decoder().decode(RPCResponseHeader.self, from: Data(plain))
        #expect(RPCFailure.apiError(try #require(plainHeader.error), line: plain).details == nil)
    }
}
