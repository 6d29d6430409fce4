/// One fuzz target: a decoder of outside bytes, fed one input, and the checks that must hold
/// for any input. A trap inside the decoder is a crash (libFuzzer reports it, the replay test
/// run dies); a broken property is a thrown `FuzzFailure` (the libFuzzer entry turns it into
/// a crash, the replay suite into a failed expectation).
public struct FuzzTarget: Sendable {
    public let name: String
    public let summary: String
    private let body: @Sendable ([UInt8]) throws(FuzzFailure) -> Void

    public init(_ name: String, _ summary: String, _ body: @escaping @Sendable ([UInt8]) throws(FuzzFailure) -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    public func run(_ input: [UInt8]) throws(FuzzFailure) {
        try body(input)
    }
}

/// A property a decoder broke on some input.
public struct FuzzFailure: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Throws `FuzzFailure(message)` unless `condition` holds.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(message: message()) }
}
