import KimpleCore

/// The limits every submission is checked against before any other work (G-4: hostile
/// input is refused cheaply, and never slows the pipeline for others).
public struct InputLimits: Sendable, Hashable, Codable {
    /// The largest raw (JSON) submission, in bytes: checked before parsing.
    public var maximumPayloadBytes: Int
    /// The most values in one submission.
    public var maximumFields: Int
    /// The largest raw value, in bytes, before normalisation (the form's own length limits
    /// apply after it).
    public var maximumFieldBytes: Int
    /// The longest field name, in bytes.
    public var maximumFieldNameBytes: Int
    /// The longest source (IP address, device key), host key or user agent, in bytes.
    public var maximumContextBytes: Int

    /// The defaults: 64 KiB payloads, 64 values of at most 16 KiB, 64-byte names, 1 KiB context values.
    public init(
        maximumPayloadBytes: Int = 64 << 10, maximumFields: Int = 64, maximumFieldBytes: Int = 16 << 10,
        maximumFieldNameBytes: Int = 64, maximumContextBytes: Int = 1_024
    ) {
        self.maximumPayloadBytes = maximumPayloadBytes
        self.maximumFields = maximumFields
        self.maximumFieldBytes = maximumFieldBytes
        self.maximumFieldNameBytes = maximumFieldNameBytes
        self.maximumContextBytes = maximumContextBytes
    }
}

/// Decodes a raw submission: a flat JSON object whose values are strings, booleans,
/// numbers or `null` (G-4).
///
/// Strict and bounded: the size is checked before the first byte is read; nested objects
/// and arrays are refused at their first byte (`participation.too_deep`), so deeply
/// nested input costs nothing; strings must be valid UTF-8; duplicate names are refused.
/// Numbers are kept as their text; `null` means "not given".
public enum SubmissionDecoder {
    /// The values of `json`, by name.
    ///
    /// Throws `participation.payload_too_large`, `participation.malformed`,
    /// `participation.too_deep`, `participation.invalid_utf8`, `participation.too_many_fields`
    /// or `participation.field_too_long`.
    public static func decode(
        _ json: some Collection<UInt8>, limits: InputLimits = InputLimits()
    ) throws(KimpleError) -> [String: FieldInput] {
        guard json.count <= limits.maximumPayloadBytes else {
            throw KimpleError(
                .participationPayloadTooLarge, "The submission is larger than the intake accepts.",
                context: ["size": String(json.count), "limit": String(limits.maximumPayloadBytes)])
        }
        let result: Result<[String: FieldInput], KimpleError>? = json.withContiguousStorageIfAvailable { bytes in
            var parser = Parser(bytes: bytes, limits: limits)
            return Result { () throws(KimpleError) in try parser.object() }
        }
        if let result { return try result.get() }
        let copy = Array(json)
        return try copy.withUnsafeBufferPointer { bytes throws(KimpleError) in
            var parser = Parser(bytes: bytes, limits: limits)
            return try parser.object()
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: InputLimits
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, limits: InputLimits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func object() throws(KimpleError) -> [String: FieldInput] {
            skipSpace()
            guard next() == UInt8(ascii: "{") else {
                if position > 0, bytes[position - 1] == UInt8(ascii: "[") { throw tooDeep() }
                throw malformed("A submission is a JSON object of field names and values.")
            }
            var fields: [String: FieldInput] = [:]
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                position += 1
            } else {
                while true {
                    skipSpace()
                    guard next() == UInt8(ascii: "\"") else { throw malformed("A field name is a JSON string.") }
                    let nameBytes = try string(limit: limits.maximumFieldNameBytes, what: "field name")
                    guard let name = String(validating: nameBytes, as: UTF8.self) else {
                        throw KimpleError(.participationInvalidUTF8, "A field name is not valid UTF-8.")
                    }
                    skipSpace()
                    guard next() == UInt8(ascii: ":") else { throw malformed("Expected ':' after a field name.") }
                    skipSpace()
                    let value = try self.value(field: name)
                    if let value {
                        guard fields.updateValue(value, forKey: name) == nil else {
                            throw KimpleError(
                                .participationMalformed, "A field is given twice.",
                                context: ["field": String(name.prefix(64))])
                        }
                        guard fields.count <= limits.maximumFields else {
                            throw KimpleError(
                                .participationTooManyFields, "The submission has more fields than the intake accepts.",
                                context: ["limit": String(limits.maximumFields)])
                        }
                    }
                    skipSpace()
                    switch next() {
                    case UInt8(ascii: ","): continue
                    case UInt8(ascii: "}"): break
                    default: throw malformed("Expected ',' or '}' after a value.")
                    }
                    break
                }
            }
            skipSpace()
            guard position == bytes.count else { throw malformed("Unexpected bytes after the JSON object.") }
            return fields
        }

        private mutating func value(field: String) throws(KimpleError) -> FieldInput? {
            switch next() {
            case UInt8(ascii: "\""):
                let raw = try string(limit: limits.maximumFieldBytes, what: field)
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw KimpleError(
                        .participationInvalidUTF8, "The value is not valid UTF-8 text.",
                        context: ["field": String(field.prefix(64))])
                }
                return .text(text)
            case UInt8(ascii: "t"):
                try literal("rue")
                return .flag(true)
            case UInt8(ascii: "f"):
                try literal("alse")
                return .flag(false)
            case UInt8(ascii: "n"):
                try literal("ull")
                return nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw tooDeep()
            case let byte? where byte == UInt8(ascii: "-") || (byte >= 48 && byte <= 57):
                let start = position - 1
                while let byte = peek(),
                    (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
                        || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                {
                    position += 1
                    if position - start > 64 { throw malformed("A number is too long.") }
                }
                return .text(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
            default:
                throw malformed("A value is a JSON string, number, boolean or null.")
            }
        }

        /// Reads a string whose opening quote was consumed; returns its unescaped bytes.
        private mutating func string(limit: Int, what: String) throws(KimpleError) -> [UInt8] {
            let start = position
            // Fast path: no escape.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let raw = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                    position += 1
                    try check(raw.count, limit: limit, what: what)
                    return raw
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw malformed("A JSON string holds a raw control character.") }
                position += 1
                if position - start > limit { try check(position - start, limit: limit, what: what) }
            }
            var raw = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while let byte = next() {
                switch byte {
                case UInt8(ascii: "\""):
                    return raw
                case UInt8(ascii: "\\"):
                    guard let escape = next() else { throw malformed("A JSON string ends inside an escape.") }
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(escape)
                    case UInt8(ascii: "b"): raw.append(0x08)
                    case UInt8(ascii: "f"): raw.append(0x0C)
                    case UInt8(ascii: "n"): raw.append(0x0A)
                    case UInt8(ascii: "r"): raw.append(0x0D)
                    case UInt8(ascii: "t"): raw.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else {
                                throw invalidText(what)
                            }
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw invalidText(what) }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw invalidText(what)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw invalidText(what) }
                        raw.append(contentsOf: String(Character(unicode)).utf8)
                    default:
                        throw malformed("A JSON string holds an unknown escape.")
                    }
                default:
                    if byte < 0x20 { throw malformed("A JSON string holds a raw control character.") }
                    raw.append(byte)
                }
                if raw.count > limit { try check(raw.count, limit: limit, what: what) }
            }
            throw malformed("A JSON string is not closed.")
        }

        private mutating func hex4() throws(KimpleError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = next() else { throw malformed("A \\u escape needs four hexadecimal digits.") }
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte - 48)
                case 65...70: digit = UInt32(byte - 55)
                case 97...102: digit = UInt32(byte - 87)
                default: throw malformed("A \\u escape needs four hexadecimal digits.")
                }
                value = value << 4 | digit
            }
            return value
        }

        private func check(_ size: Int, limit: Int, what: String) throws(KimpleError) {
            guard size <= limit else {
                throw KimpleError(
                    .participationFieldTooLong, "A value is longer than the intake accepts.",
                    context: ["field": String(what.prefix(64)), "limit": String(limit)])
            }
        }

        private mutating func literal(_ rest: StaticString) throws(KimpleError) {
            let expected = UnsafeBufferPointer(start: rest.utf8Start, count: rest.utf8CodeUnitCount)
            for byte in expected {
                guard next() == byte else { throw malformed("A value is a JSON string, number, boolean or null.") }
            }
        }

        private mutating func skipSpace() {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        private mutating func next() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        private func malformed(_ message: String) -> KimpleError {
            KimpleError(.participationMalformed, message, context: ["offset": String(position)])
        }

        private func tooDeep() -> KimpleError {
            KimpleError(
                .participationTooDeep, "Form values are flat: nested objects and arrays are not accepted.",
                context: ["offset": String(position)])
        }

        private func invalidText(_ what: String) -> KimpleError {
            KimpleError(
                .participationInvalidUTF8, "A \\u escape does not encode valid Unicode text.",
                context: ["field": String(what.prefix(64))])
        }
    }
}
