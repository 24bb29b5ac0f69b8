// Foundation, not only FoundationEssentials: Unicode normalisation (NFC) comes from it.
import Foundation
import KimpleCore

/// The text rules of intake (G-4): valid UTF-8, no control characters, no bidi override or
/// isolate (U+202A-U+202E, U+2066-U+2069), trimmed, Unicode NFC. Text whose scalars are all below U+0300 (ASCII, and the accented Latin letters of
/// French and most European names) is NFC by construction (combining marks start at
/// U+0300): it takes a fast path that allocates nothing when the text is already trimmed.
/// Only other text goes through Foundation's normalisation. Package-visible for the fuzz
/// targets, which check that it is idempotent.
package enum TextNormalizer {
    private enum Scan {
        /// Only ASCII; the content (without surrounding spaces) is `first..<end` of `count` bytes.
        case ascii(first: Int, end: Int, count: Int)
        /// Only scalars below U+0300 (Latin-1 and Latin Extended: no combining mark, so
        /// already NFC), no control character; `trimmed` when no end needs trimming.
        case latin(trimmed: Bool)
        /// Anything else: the full Unicode path.
        case unicode
        case control
    }

    /// The text of `input`, checked and normalised. `multiline` keeps tabs and line breaks
    /// (still trimmed at both ends).
    ///
    /// Throws `participation.invalid_utf8` for bytes that are not UTF-8,
    /// `participation.control_character` for control characters,
    /// `participation.invisible_character` for a bidi override or isolate, and
    /// `participation.invalid_field` for a value that is not text.
    package static func normalize(
        _ input: FieldInput, field: String, multiline: Bool = false
    ) throws(KimpleError) -> String {
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
    package static func normalize(_ text: String, field: String, multiline: Bool = false) throws(KimpleError) -> String
    {
        let scan: Scan =
            text.utf8.withContiguousStorageIfAvailable { Self.scan($0, multiline: multiline) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self.scan($0, multiline: multiline) }
        switch scan {
        case .control:
            throw controlError(field)
        case .ascii(let first, let end, let count):
            if first == 0 && end == count { return text }
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: first)
            let stop = utf8.index(utf8.startIndex, offsetBy: end)
            return String(text[start..<stop])
        case .latin(let trimmed):
            return trimmed ? text : text.trimmedText
        case .unicode:
            for scalar in text.unicodeScalars {
                // SPEC G-4: a bidi override or isolate reorders what follows it, in this
                // value and in every export or screen that shows it.
                if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                    throw KimpleError(
                        .participationInvisibleCharacter,
                        "The value holds a text-direction override or isolate (U+202A-U+202E, U+2066-U+2069); "
                            + "send plain text.", context: ["field": field])
                }
                guard scalar.properties.generalCategory == .control else { continue }
                if multiline, scalar == "\t" || scalar == "\n" || scalar == "\r" { continue }
                throw controlError(field)
            }
            return text.trimmedText.precomposedStringWithCanonicalMapping
        }
    }

    /// One pass over the UTF-8 bytes: ASCII controls, C1 controls (U+0080-U+009F, written
    /// C2 80-9F), whether every scalar is below U+0300 (no lead byte from CC up), and where
    /// the content starts and ends.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, multiline: Bool) -> Scan {
        var first = -1
        var last = -1
        var ascii = true
        var latin = true
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7F {
                    guard multiline, byte == 9 || byte == 10 || byte == 13 else { return .control }
                } else if byte != 0x20 {
                    if first < 0 { first = index }
                    last = index
                }
                index += 1
                continue
            }
            ascii = false
            if byte >= 0xCC { latin = false }
            if byte == 0xC2, index + 1 < count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F {
                return .control
            }
            if first < 0 { first = index }
            last = index
            index += 1
        }
        if ascii {
            return first < 0
                ? .ascii(first: 0, end: 0, count: count) : .ascii(first: first, end: last + 1, count: count)
        }
        guard latin else { return .unicode }
        // Content bytes: the first is a lead byte, the last the end of a scalar. Trimming is
        // needed when the text starts or ends with a space, or with a non-ASCII scalar
        // (NBSP is white space).
        let needsTrim = first != 0 || last != count - 1 || bytes[0] >= 0x80 || bytes[count - 1] >= 0x80
        return .latin(trimmed: !needsTrim)
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
