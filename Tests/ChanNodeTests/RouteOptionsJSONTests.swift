import ChanAPI
import ChanCore
import Foundation
import Testing

/// The options of the `route` method as the daemon reads them.
@Suite struct RouteOptionsJSONTests {
    @Test func minProbabilityIsReadAndCheckedAndMayBeMissing() throws {
        let older = #"{"max_fee_msat":null,"cltv_limit":null,"final_cltv":null,"risk_factor":null,"no_probability":false}"#
        let missing = try RPCJSON.decoder().decode(RouteOptionsJSON.self, from: Data(older.utf8))
        #expect(missing.minProbability == nil)
        #expect(try missing.routeOptions().minProbability == RouteOptions().minProbability)

        let given = try RPCJSON.decoder().decode(RouteOptionsJSON.self, from: Data(#"{"min_probability":0.25,"no_probability":false}"#.utf8))
        #expect(try given.routeOptions().minProbability == 0.25)
        let line = String(decoding: try RPCJSON.line(given), as: UTF8.self)
        #expect(line.contains(#""min_probability":0.25"#))

        let bad = RouteOptionsJSON(maxFeeMsat: nil, cltvLimit: nil, finalCltv: nil, riskFactor: nil, minProbability: 1.5, noProbability: false)
        #expect(throws: APIError.self) { try bad.routeOptions() }
    }
}
