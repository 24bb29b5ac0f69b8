/// A value that is stored and exchanged as one string (`"2026-03-29"`, `"acme"`,
/// `"contact.email"`): it encodes as that string and decoding validates it.
public protocol TextCodable: Codable {
    /// The value parsed from `codableText`, or `nil` when the text is not a valid value.
    init?(codableText: String)
    /// The text the value encodes as.
    var codableText: String { get }
}

extension TextCodable {
    /// Decodes the string; throws `DecodingError.dataCorrupted` when it is not a valid value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(codableText: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Invalid \(Self.self): '\(text.prefix(64))'")
        }
        self = value
    }

    /// Encodes the value as its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(codableText)
    }
}

// The conformances live here, in another file than the types, so that the compiler uses
// the implementation above instead of synthesising a keyed one from the stored properties.
// (`Identifier` and `DataCategory` are `RawRepresentable` with a `String` raw value: the
// standard library already codes them as their validated raw value.)
extension CivilDate: TextCodable {}
extension CalendarMonth: TextCodable {}
extension Currency: TextCodable {}
extension SHA256Digest: TextCodable {}
