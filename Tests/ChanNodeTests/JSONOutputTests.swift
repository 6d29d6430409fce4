import ChanAPI
import Foundation
import Testing

/// The one JSON style of every output (issue 10 item 5): `JSONValueEncoder` makes the tree,
/// `JSONWriter` prints it, `JSONParser` reads a daemon's line back.
@Suite struct JSONOutputTests {
    struct Hop: Codable, Equatable {
        var nodeId: String
        var alias: String?
        var amountMsat: UInt64
    }

    struct Listing: Codable, Equatable {
        var hops: [Hop]
        var labels: [String: Int]
        var tags: [String]
        var note: String?
    }

    private func pretty<T: Encodable>(_ value: T) throws -> String { JSONWriter().string(try JSONValueEncoder().encode(value)) }
    private func compact<T: Encodable>(_ value: T) throws -> String { JSONWriter(layout: .compact).string(try JSONValueEncoder().encode(value)) }

    @Test func emptiesPrintOnOneLineAndNilOptionalsAsNull() throws {
        let listing = Listing(hops: [Hop(nodeId: "02ab", alias: nil, amountMsat: 5)], labels: [:], tags: [], note: nil)
        #expect(try pretty(listing) == """
            {
              "hops" : [
                {
                  "alias" : null,
                  "amount_msat" : 5,
                  "node_id" : "02ab"
                }
              ],
              "labels" : {},
              "note" : null,
              "tags" : []
            }
            """)
        #expect(try compact(listing) == #"{"hops":[{"alias":null,"amount_msat":5,"node_id":"02ab"}],"labels":{},"note":null,"tags":[]}"#)
    }

    @Test func dictionaryKeysAreKeptAndObjectKeysSortedBytewise() throws {
        let listing = Listing(hops: [], labels: ["fooBar": 1, "a_b": 2], tags: ["x/y"], note: "é\u{1}\"\\\n\t")
        #expect(try compact(listing) == #"{"hops":[],"labels":{"a_b":2,"fooBar":1},"note":"é\u0001\"\\\n\t","tags":["x/y"]}"#)
        let keys = JSONValue.object(["fee": .null, "fee_msat": .null, "feerate": .null, "a2": .null, "_x": .null])
        #expect(JSONWriter(layout: .compact).string(keys) == #"{"_x":null,"a2":null,"fee":null,"fee_msat":null,"feerate":null}"#)
    }

    @Test func integersBeyondTwoToThe53AreStringsForPeopleAndExactOnTheSocket() throws {
        struct Numbers: Encodable { let safe: UInt64; let big: UInt64; let negative: Int64; let small: Int64 }
        let numbers = Numbers(safe: (1 << 53) - 1, big: .max, negative: .min, small: -((1 << 53) - 1))
        #expect(try compact(numbers) == #"{"big":"18446744073709551615","negative":"-9223372036854775808","safe":9007199254740991,"small":-9007199254740991}"#)
        let exact = JSONWriter(layout: .compact, largeIntegers: .exact).string(try JSONValueEncoder().encode(numbers))
        #expect(exact == #"{"big":18446744073709551615,"negative":-9223372036854775808,"safe":9007199254740991,"small":-9007199254740991}"#)
        #expect(try JSONParser().parse(Array(exact.utf8))["big"] == .unsigned(.max))
    }

    @Test func doublesPrintTheirShortestRoundTripDigits() throws {
        let values: [Double] = [0.1, 1e-7, 68, 1.3e21, 3.8e-16, 68.40656039999999, -0.5, 5e-324, .greatestFiniteMagnitude, -0.0]
        let text = try compact(values)
        #expect(text == "[0.1,1e-07,68,1.3e+21,3.8e-16,68.40656039999999,-0.5,5e-324,1.7976931348623157e+308,-0.0]")
        #expect(try JSONParser().parse(Array("-0.0".utf8)) == .double(-0.0))
        #expect(JSONWriter().string(.double(-0.0)) == "-0.0")
        #expect(try JSONDecoder().decode([Double].self, from: Data(text.utf8)) == values)
        #expect(try compact([Float(0.1)]) == "[0.1]")
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(["x": Double.infinity]) }
    }

    @Test func keysBecomeSnakeCaseWithAcronymsAsOneWord() {
        let table = [
            "nodeIDs": "node_ids", "nodeId": "node_id", "shortChannelID": "short_channel_id",
            "htlcMinimumMsat": "htlc_minimum_msat", "maxAcceptedHTLCs": "max_accepted_htlcs", "HTLCs": "htlcs",
            "URLString": "url_string", "myURL": "my_url", "isOK": "is_ok", "nodeID1": "node_id1",
            "fooBar2Baz": "foo_bar2_baz", "amount": "amount", "already_snake": "already_snake", "_private": "_private",
            "channelIDsNotOrdered": "channel_ids_not_ordered", "capacitySat": "capacity_sat",
        ]
        for (name, key) in table { #expect(SnakeCaseKey.convert(name) == key, "\(name)") }
    }

    /// Foundation's converter and ours agree on every name but acronym plurals.
    @Test func keysAreSpeltAsFoundationSpellsThemButForAcronymPlurals() throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct Keys: Encodable {
            let names: [String]
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                for name in names { try container.encode(name, forKey: Key(stringValue: name)) }
            }
        }
        let names = ["amountMsat", "shortChannelID", "channelId", "feeratePerKw", "toSelfDelay", "isPrivate", "cltvExpiryDelta",
                     "htlcMaximumMsat", "nodeID", "myURL", "x1Y", "fooBar2Baz", "totalCltv", "leftOut", "chainHash"]
        let foundation = JSONEncoder()
        foundation.keyEncodingStrategy = .convertToSnakeCase
        let theirs = try JSONSerialization.jsonObject(with: foundation.encode(Keys(names: names))) as! [String: String]
        for (key, name) in theirs { #expect(SnakeCaseKey.convert(name) == key, "\(name)") }
    }

    @Test func everyOptionalKeyIsPresentEvenThroughEncodeIfPresent() throws {
        struct Manual: Encodable {
            enum CodingKeys: String, CodingKey { case first, second, third }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(Int?.none, forKey: .first)
                try container.encodeIfPresent([String]?.none, forKey: .second)
                try container.encodeIfPresent(UInt64?.some(3), forKey: .third)
            }
        }
        #expect(try compact(Manual()) == #"{"first":null,"second":null,"third":3}"#)
        #expect(try compact([Int?.none, 1]) == "[null,1]")
    }

    @Test func aTypeEncodedInStepsLandsInOneObject() throws {
        struct Inner: Encodable { let a: Int }
        struct Outer: Encodable {
            func encode(to encoder: any Encoder) throws {
                try Inner(a: 1).encode(to: encoder)
                var container = encoder.container(keyedBy: JSONOutputTests.AnyKey.self)
                try container.encode("x", forKey: AnyKey(stringValue: "explainIt"))
                var nested = container.nestedUnkeyedContainer(forKey: AnyKey(stringValue: "list"))
                try nested.encode(true)
                var deeper = nested.nestedContainer(keyedBy: AnyKey.self)
                try deeper.encodeNil(forKey: AnyKey(stringValue: "z"))
            }
        }
        #expect(try compact(Outer()) == #"{"a":1,"explain_it":"x","list":[true,{"z":null}]}"#)
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test func dataAndDateAsJSONEncoderWritesThem() throws {
        struct Stamped: Encodable { let data: Data; let date: Date }
        #expect(try compact(Stamped(data: Data([1, 2, 3]), date: Date(timeIntervalSinceReferenceDate: 1.5))) == #"{"data":"AQID","date":1.5}"#)
    }

    @Test func parsedTextWritesBackTheSame() throws {
        let text = #"{"a":[1,-2,3.5,1e-07,true,false,null,"\u00e9\ud83d\ude00\/"],"b":{},"c":[],"d":18446744073709551615,"e":1.0}"#
        let value = try JSONParser().parse(Array(text.utf8))
        #expect(value["e"] == .double(1))
        #expect(value["a"] == .array([.integer(1), .integer(-2), .double(3.5), .double(1e-7), .bool(true), .bool(false), .null, .string("é😀/")]))
        #expect(JSONWriter(layout: .compact, largeIntegers: .exact).string(value) == #"{"a":[1,-2,3.5,1e-07,true,false,null,"é😀/"],"b":{},"c":[],"d":18446744073709551615,"e":1}"#)
    }

    @Test func theParserRefusesBadTextAndDeepNesting() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\u{1}\"", "\"\\ud800\"", "\"\\x\"", "tru", "1 2", "{\"a\":1,}", "nan", "1e999"] {
            #expect(throws: JSONParser.Failure.self, "\(bad)") { try JSONParser().parse(Array(bad.utf8)) }
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser().parse(Array(repeating: UInt8(ascii: "["), count: 100_000)) }
        var parser = JSONParser()
        parser.maximumDepth = 3
        #expect(throws: Never.self) { try parser.parse(Array("[[[1]]]".utf8)) }
        #expect(throws: JSONParser.Failure.self) { try parser.parse(Array("[[[[1]]]]".utf8)) }
        parser.maximumLength = 4
        #expect(throws: JSONParser.Failure.self) { try parser.parse(Array("12345".utf8)) }
    }

    /// Random bytes, and random edits of valid JSON, never crash the parser; what it accepts
    /// writes back to text that reads and writes back to itself.
    @Test func randomInputNeverCrashesTheParser() throws {
        var generator = SystemRandomNumberGenerator()
        let seed = Array(#"{"a":[1,-2.5e3,"x\n\u00e9",{"b":null,"c":[true,false]}],"d":18446744073709551615}"#.utf8)
        let alphabet = Array(#"{}[]",:-.0123456789eE+tfnrul\ "#.utf8) + [0x00, 0x1f, 0x80, 0xc3, 0xff]
        for round in 0..<5_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            } else {
                bytes = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)!
                }
            }
            if round == 0 { bytes = Array("[-0.0e3]".utf8) }
            guard let value = try? JSONParser().parse(bytes) else { continue }
            let writer = JSONWriter(layout: .compact, largeIntegers: .exact)
            let text = writer.bytes(value)
            #expect(try writer.bytes(JSONParser().parse(text)) == text, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
