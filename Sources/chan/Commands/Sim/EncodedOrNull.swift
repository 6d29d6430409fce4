/// An optional field the JSON prints as `null` when absent (synthesized `Encodable` leaves the
/// key out), so the summary has the same keys every time. (ChanAPI's `Nullable` does the same
/// for `Codable` values; this one takes encode-only values such as `AuditReportJSON`.)
@propertyWrapper
struct EncodedOrNull<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
