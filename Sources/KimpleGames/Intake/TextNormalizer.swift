// Foundation, not only FoundationEssentials: Unicode normalisation (NFC) comes from it.
import Foundation
import KimpleCore

/// The text rules of intake (G-4): valid UTF-8, no control characters, trimmed, Unicode
/// NFC. ASCII text (the common case) takes a fast path that allocates nothing when the
/// text is already trimmed: ASCII is NFC by definition.
enum TextNormalizer {
    private enum Scan {
        case ascii(first: Int, end: Int, count: Int)
        case unicode
        case control(UInt8)
    }

    /// The text of `input`, checked and normalised. `multiline` keeps tabs and line breaks
    /// (still trimmed at both ends).
    ///
    /// Throws `participation.invalid_utf8` for bytes that are not UTF-8,
    /// `participation.control_character` for control characters, and
    /// `participation.invalid_field` for a value that is not text.
    static func normalize(_ input: FieldInput, field: String, multiline: Bool = false) throws(KimpleError) -> String {
        let text: String
        switch input {
        case .text(let value):
            text = value
        case .utf8(let bytes):
            guard let value = String(validating: bytes, as: UTF8.self) else {
                throw KimpleError(
                    .participationInvalidUTF8, "The value is not valid UTF-8 text.", context: ["field": field])
            }
            text = value
        case .flag:
            throw KimpleError(.participationInvalidField, "The value must be text.", context: ["field": field])
        }
        return try normalize(text, field: field, multiline: multiline)
    }

    /// See ``normalize(_:field:multiline:)-(FieldInput,_,_)``.
    static func normalize(_ text: String, field: String, multiline: Bool = false) throws(KimpleError) -> String {
        let scan =
            text.utf8.withContiguousStorageIfAvailable { scanASCII($0, multiline: multiline) }
            ?? Array(text.utf8).withUnsafeBufferPointer { scanASCII($0, multiline: multiline) }
        switch scan {
        case .control:
            throw controlError(field)
        case .ascii(let first, let end, let count):
            if first == 0 && end == count { return text }
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: first)
            let stop = utf8.index(utf8.startIndex, offsetBy: end)
            return String(text[start..<stop])
        case .unicode:
            for scalar in text.unicodeScalars where scalar.properties.generalCategory == .control {
                if multiline, scalar == "\t" || scalar == "\n" || scalar == "\r" { continue }
                throw controlError(field)
            }
            return text.trimmedText.precomposedStringWithCanonicalMapping
        }
    }

    private static func scanASCII(_ bytes: UnsafeBufferPointer<UInt8>, multiline: Bool) -> Scan {
        var first = -1
        var last = -1
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { return .unicode }
            if byte < 0x20 || byte == 0x7F {
                guard multiline, byte == 9 || byte == 10 || byte == 13 else { return .control(byte) }
                continue
            }
            if byte != 0x20 {
                if first < 0 { first = index }
                last = index
            }
        }
        return first < 0
            ? .ascii(first: 0, end: 0, count: bytes.count) : .ascii(first: first, end: last + 1, count: bytes.count)
    }

    private static func controlError(_ field: String) -> KimpleError {
        KimpleError(
            .participationControlCharacter, "The value holds control characters; send plain text.",
            context: ["field": field])
    }

    /// The length of normalised text in characters (grapheme clusters); the UTF-8 count for ASCII.
    static func length(_ text: String) -> Int {
        let utf8 = text.utf8
        let ascii = utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 < 0x80 } } ?? false
        return ascii ? utf8.count : text.count
    }
}

extension String {
    /// The text without white space (Unicode `White_Space`) at either end.
    var trimmedText: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
