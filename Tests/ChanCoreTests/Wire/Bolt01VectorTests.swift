import ChanCore
import ChanCrypto
import Testing

/// Every vector of BOLT 1 Appendices A-D (`shared/vectors/bolt01-encoding.json`).
@Suite struct Bolt01VectorTests {
    // MARK: Appendix A: BigSize

    @Test func bigSizeDecoding() throws {
        let vectors = try Bolt01Vectors.load().bigsize.decodingTests
        #expect(vectors.count == 18)
        for vector in vectors {
            let input = try bytes(hex: vector.bytes)
            if vector.expError == nil {
                #expect(try BigSize.decode(input) == vector.value, "\(vector)")
            } else {
                #expect(throws: WireError.self, "\(vector)") { try BigSize.decode(input) }
            }
        }
    }

    @Test func bigSizeErrorsAreTheRightKind() throws {
        #expect(throws: WireError.nonMinimal(field: "bigsize")) { try BigSize.decode(try bytes(hex: "fd00fc")) }
        #expect(throws: WireError.nonMinimal(field: "bigsize")) { try BigSize.decode(try bytes(hex: "fe0000ffff")) }
        #expect(throws: WireError.nonMinimal(field: "bigsize")) { try BigSize.decode(try bytes(hex: "ff00000000ffffffff")) }
        #expect(throws: WireError.truncated(needed: 1, remaining: 0)) { try BigSize.decode([]) }
        #expect(throws: WireError.truncated(needed: 8, remaining: 4)) { try BigSize.decode(try bytes(hex: "ffffffffff")) }
    }

    @Test func bigSizeEncoding() throws {
        let vectors = try Bolt01Vectors.load().bigsize.encodingTests
        #expect(vectors.count == 8)
        for vector in vectors {
            #expect(BigSize.encode(vector.value).hex == vector.bytes, "\(vector)")
            #expect(BigSize.encodedCount(vector.value) == vector.bytes.count / 2, "\(vector)")
        }
    }

    // MARK: Appendix B: TLV streams

    @Test func tlvDecodingFailures() throws {
        let groups = try Bolt01Vectors.load().tlv.decodingFailures
        #expect(groups.map(\.vectors.count).reduce(0, +) == 33)
        try expectFailures(groups)
    }

    @Test func tlvStreamOrderingFailures() throws {
        let groups = try Bolt01Vectors.load().tlv.streamDecodingFailures
        #expect(groups.map(\.vectors.count).reduce(0, +) == 5)
        try expectFailures(groups)
        #expect(throws: WireError.tlvOrder(previous: 2, next: 1)) {
            try decodeStream(try bytes(hex: "0208000000000000022601012a"), as: NamespaceN1.self)
        }
        #expect(throws: WireError.tlvOrder(previous: 31, next: 31)) {
            try decodeStream(try bytes(hex: "1f001f012a"), as: NamespaceN1.self)
        }
    }

    private func expectFailures(_ groups: [Bolt01Vectors.TLVGroup]) throws {
        for group in groups {
            for vector in group.vectors {
                let stream = try bytes(hex: vector.stream)
                let label = Comment(rawValue: "\(vector.stream): \(vector.reason ?? "")")
                if group.namespaces.contains("n1") {
                    #expect(throws: WireError.self, label) { try decodeStream(stream, as: NamespaceN1.self) }
                }
                if group.namespaces.contains("n2") {
                    #expect(throws: WireError.self, label) { try decodeStream(stream, as: NamespaceN2.self) }
                }
            }
        }
    }

    @Test func tlvDecodingSuccesses() throws {
        let groups = try Bolt01Vectors.load().tlv.decodingSuccesses
        #expect(groups.map(\.vectors.count).reduce(0, +) == 19)
        for group in groups {
            for vector in group.vectors {
                let stream = try bytes(hex: vector.stream)
                if group.namespaces.contains("n1") {
                    let decoded = try decodeStream(stream, as: NamespaceN1.self)
                    #expect(decoded.asVectorValues == (vector.decoded ?? [:]), "\(vector.stream)")
                    #expect(try encodeStream(decoded) == stream, "\(vector.stream) re-encodes unchanged")
                }
                if group.namespaces.contains("n2") {
                    let decoded = try decodeStream(stream, as: NamespaceN2.self)
                    #expect(decoded.tlv1AmountMsat == nil && decoded.tlv2CLTVExpiry == nil, "\(vector.stream)")
                    #expect(try encodeStream(decoded) == stream, "\(vector.stream) re-encodes unchanged")
                }
            }
        }
    }

    /// "Any appending of an invalid stream to a valid stream should trigger a decoding failure."
    @Test func appendingAnInvalidStreamFails() throws {
        let vectors = try Bolt01Vectors.load().tlv
        let valid = try n1Streams(vectors.decodingSuccesses)
        let invalid = try n1Streams(vectors.decodingFailures + vectors.streamDecodingFailures)
        for prefix in valid {
            for suffix in invalid {
                #expect(throws: WireError.self, "\(prefix.hex) + \(suffix.hex)") {
                    try decodeStream(prefix + suffix, as: NamespaceN1.self)
                }
            }
        }
    }

    /// "Any appending of a higher-numbered valid stream to a lower-numbered valid stream
    /// should not trigger a decoding failure."
    @Test func appendingAHigherValidStreamSucceeds() throws {
        let valid = try n1Streams(try Bolt01Vectors.load().tlv.decodingSuccesses)
        var pairs = 0
        for lower in valid {
            for higher in valid {
                let lowerTypes = try recordTypes(lower)
                let higherTypes = try recordTypes(higher)
                if let last = lowerTypes.last, let first = higherTypes.first, last >= first { continue }
                let combined = lower + higher
                let decoded = try decodeStream(combined, as: NamespaceN1.self)
                #expect(try encodeStream(decoded) == combined)
                pairs += 1
            }
        }
        #expect(pairs > 50)
    }

    private func n1Streams(_ groups: [Bolt01Vectors.TLVGroup]) throws -> [[UInt8]] {
        try groups.filter { $0.namespaces.contains("n1") }.flatMap(\.vectors).map { try bytes(hex: $0.stream) }
    }

    private func recordTypes(_ stream: [UInt8]) throws -> [UInt64] {
        var reader = WireReader(stream)
        return try TLVStream.read(from: &reader, knownTypes: NamespaceN1.knownTypes).records.map(\.type)
    }

    // MARK: Appendix C: message extension

    @Test func initExtensionValid() throws {
        let vectors = try Bolt01Vectors.load().messageExtension
        #expect(vectors.valid.count == 2)
        for vector in vectors.valid {
            let input = try bytes(hex: vector.message)
            guard case .initMessage(let message) = try WireMessage.decode(input) else {
                Issue.record("\(vector.explanation): not an init message")
                continue
            }
            #expect(message.globalFeatures.isEmpty && message.features.isEmpty)
            #expect(message.tlvs.networks == nil)
            #expect(try WireMessage.initMessage(message).encode() == input, "\(vector.explanation)")
        }
        let withOddRecords = try InitMessage.decode(try bytes(hex: "001000000000c9012acb0104"))
        #expect(withOddRecords.tlvs.unknownRecords == [
            TLVRecord(type: 0xc9, value: [0x2a]),
            TLVRecord(type: 0xcb, value: [0x04]),
        ])
    }

    @Test func initExtensionInvalid() throws {
        let vectors = try Bolt01Vectors.load().messageExtension
        #expect(vectors.invalid.count == 3)
        for vector in vectors.invalid {
            let input = try bytes(hex: vector.message)
            #expect(throws: WireError.self, "\(vector.explanation)") { try WireMessage.decode(input) }
        }
        #expect(throws: WireError.unknownEvenTLVType(0xca)) {
            try WireMessage.decode(try bytes(hex: "001000000000ca012a"))
        }
        #expect(throws: WireError.tlvOrder(previous: 0xc9, next: 0xc9)) {
            try WireMessage.decode(try bytes(hex: "001000000000c90101c90102"))
        }
    }

    // MARK: Appendix D: signed integers

    @Test func signedIntegers() throws {
        let vectors = try Bolt01Vectors.load().signedIntegers.vectors
        #expect(vectors.count == 23)
        for vector in vectors {
            let input = try bytes(hex: vector.bytes)
            var reader = WireReader(input)
            var writer = WireWriter()
            switch input.count {
            case 1:
                #expect(Int64(try reader.readS8()) == vector.value)
                writer.writeS8(Int8(vector.value))
            case 2:
                #expect(Int64(try reader.readS16()) == vector.value)
                writer.writeS16(Int16(vector.value))
            case 4:
                #expect(Int64(try reader.readS32()) == vector.value)
                writer.writeS32(Int32(vector.value))
            case 8:
                #expect(try reader.readS64() == vector.value)
                writer.writeS64(vector.value)
            default:
                Issue.record("unexpected width \(input.count) for \(vector.valueDecimalString)")
            }
            #expect(reader.isAtEnd)
            #expect(writer.bytes == input, "\(vector.valueDecimalString)")
        }
    }
}
