// Foundation, not only FoundationEssentials: Unicode normalisation (NFKC) comes from it.
import Foundation
import KimpleCore

/// E-mail syntax and normalisation of intake (G-4).
///
/// Accepted: `local@domain`, at most 254 bytes; the local part is 1 to 64 bytes of
/// RFC 5322 `atext` and dots (no leading, trailing or double dot) or UTF-8 (RFC 6531);
/// the domain has at least two labels of letters, digits and inner hyphens, a top-level
/// label that is not all digits. Quoted local parts, comments and IP literals are
/// refused: real participants never use them, robots and injection attempts do.
public enum EmailAddress {
    /// `text` (already trimmed and NFC) checked and lower-cased.
    /// Throws `participation.invalid_email`.
    public static func normalize(_ text: String, field: String = "email") throws(KimpleError) -> String {
        let verdict =
            text.utf8.withContiguousStorageIfAvailable { check($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { check($0) }
        // Made only when needed: this is the intake's hot path.
        func invalid() -> KimpleError {
            KimpleError(
                .participationInvalidEmail, "Enter a valid e-mail address such as name@example.com.",
                context: ["field": field])
        }
        guard verdict.valid else { throw invalid() }
        guard verdict.ascii else {
            // SPEC G-4: an invisible scalar would make a new person of a known address.
            if text.unicodeScalars.contains(where: isInvisible) {
                throw KimpleError(
                    .participationInvisibleCharacter,
                    "The e-mail address holds invisible characters (zero-width, direction or format marks); "
                        + "type it again.", context: ["field": field])
            }
            // Lower case can be longer than the text (İ becomes i and U+0307): the address
            // kept is checked again, so the intake never keeps one it would refuse.
            let lowered = text.lowercased()
            let again =
                lowered.utf8.withContiguousStorageIfAvailable { check($0) }
                ?? Array(lowered.utf8).withUnsafeBufferPointer { check($0) }
            guard again.valid else { throw invalid() }
            // SPEC G-4: the identity form must still be an address (a fullwidth dot or at
            // sign folds to an ASCII one).
            let folded = identityFolded(lowered)
            let foldedVerdict =
                folded.utf8.withContiguousStorageIfAvailable { check($0) }
                ?? Array(folded.utf8).withUnsafeBufferPointer { check($0) }
            guard foldedVerdict.valid else { throw invalid() }
            return lowered
        }
        guard verdict.upper else { return text }
        return String(
            decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// One pass over the bytes: whether the address is valid, ASCII, and has upper-case letters.
    private static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> (valid: Bool, ascii: Bool, upper: Bool) {
        let invalid = (valid: false, ascii: false, upper: false)
        let count = bytes.count
        guard count >= 3, count <= 254 else { return invalid }
        var at = -1
        for index in stride(from: count - 1, through: 0, by: -1) where bytes[index] == UInt8(ascii: "@") {
            at = index
            break
        }
        guard at >= 1, at <= 64, at < count - 1 else { return invalid }
        var ascii = true
        var upper = false
        // Local part: atext and single inner dots.
        guard bytes[0] != UInt8(ascii: "."), bytes[at - 1] != UInt8(ascii: ".") else { return invalid }
        var previousDot = false
        for index in 0..<at {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if previousDot { return invalid }
                previousDot = true
                continue
            }
            previousDot = false
            guard isAtext(byte) else { return invalid }
            if byte >= 0x80 { ascii = false } else if byte >= 65 && byte <= 90 { upper = true }
        }
        // Domain: at least two labels of letters, digits and inner hyphens; top label not all digits.
        var labels = 0
        var labelStart = at + 1
        var labelDigitsOnly = true
        for index in (at + 1)...count {
            let byte: UInt8 = index < count ? bytes[index] : UInt8(ascii: ".")
            if byte == UInt8(ascii: ".") {
                let length = index - labelStart
                guard length >= 1, length <= 63, bytes[labelStart] != UInt8(ascii: "-"),
                    bytes[index - 1] != UInt8(ascii: "-")
                else { return invalid }
                labels += 1
                if index == count, length < 2 || labelDigitsOnly { return invalid }
                labelStart = index + 1
                labelDigitsOnly = true
                continue
            }
            switch byte {
            case 97...122, UInt8(ascii: "-"): labelDigitsOnly = false
            case 65...90:
                labelDigitsOnly = false
                upper = true
            case 48...57: break
            case 0x80...:
                labelDigitsOnly = false
                ascii = false
            default: return invalid
            }
        }
        guard labels >= 2, count - at - 1 <= 253 else { return invalid }
        return (true, ascii, upper)
    }

    /// The form of a normalised `address` that identifies a person under `folding`:
    /// sub-address dropped, Gmail dots dropped and `googlemail.com` mapped to `gmail.com`
    /// as asked. Never folds a local part to nothing.
    ///
    /// A non-ASCII address is first folded as ``identityFolded(_:)`` says (compatibility
    /// forms and case), so that `ａｄａ@example.com` and `ada@example.com` are one person.
    /// ASCII addresses (the common case) skip that step: they are already in that form.
    public static func identity(of address: String, folding: EmailFolding) -> String {
        let ascii =
            address.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } }
            ?? address.utf8.allSatisfy { $0 < 0x80 }
        // SPEC G-4: compatibility forms and case do not make a new person.
        let address = ascii ? address : identityFolded(address)
        guard folding.subAddresses || folding.gmailDots,
            let at = address.utf8.lastIndex(of: UInt8(ascii: "@"))
        else { return address }
        var local = Substring(address[..<at])
        var domain = Substring(address[address.utf8.index(after: at)...])
        if folding.subAddresses, let plus = local.firstIndex(of: "+"), plus != local.startIndex {
            local = local[..<plus]
        }
        if folding.gmailDots, domain == "gmail.com" || domain == "googlemail.com" {
            let undotted = local.filter { $0 != "." }
            if !undotted.isEmpty { local = Substring(undotted) }
            domain = "gmail.com"
        }
        return String(local) + "@" + String(domain)
    }

    /// Whether `scalar` is refused in an e-mail address: a default-ignorable code point
    /// (Unicode `Default_Ignorable_Code_Point`: zero-width space, joiner and non-joiner, word
    /// joiner, byte-order mark, soft hyphen, variation selectors, tag characters, Hangul
    /// fillers...) or a bidirectional control (`Bidi_Control`: marks, embeddings, overrides,
    /// isolates).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isBidiControl
    }

    /// The form of `text` that identifies a person: an approximation of Unicode's
    /// `NFKC_Casefold` built from what the standard library and Foundation offer.
    ///
    /// 1. NFKC (compatibility decomposition, canonical composition): fullwidth `ａ`,
    ///    mathematical `𝐚`, ligatures `ﬁ`, superscripts become their plain forms.
    /// 2. Full case folding: each scalar that changes when case-folded (Unicode
    ///    `Changes_When_Casefolded`) becomes the lower-case mapping of its upper-case
    ///    mapping (`ß` → `ss`, `ς` and `Σ` → `σ`, `ſ` → `s`, Kelvin `K` → `k`); where that
    ///    form would still change when case-folded (Cherokee small letters), the upper-case
    ///    mapping. Scalars that do not change (dotless `ı`) are kept.
    /// 3. NFKC again (case mappings can leave a decomposed or compatibility form).
    /// 4. Default-ignorable code points removed.
    ///
    /// It differs from `NFKC_Casefold` only where Unicode's case-folding table departs from
    /// the case mappings (a few historic scripts); both sides of a comparison go through the
    /// same steps, so the identity stays consistent.
    public static func identityFolded(_ text: String) -> String {
        let compatible = text.precomposedStringWithCompatibilityMapping
        var folded = String.UnicodeScalarView()
        for scalar in compatible.unicodeScalars {
            guard scalar.properties.changesWhenCaseFolded else {
                folded.append(scalar)
                continue
            }
            let upper = scalar.properties.uppercaseMapping
            let lower = upper.unicodeScalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
            if lower.contains(where: { $0.properties.changesWhenCaseFolded }) {
                folded.append(contentsOf: upper.unicodeScalars)
            } else {
                folded.append(contentsOf: lower)
            }
        }
        let again = String(folded).precomposedStringWithCompatibilityMapping
        return String(
            String.UnicodeScalarView(again.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }))
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 97...122, 65...90, 48...57: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return byte >= 0x80
        }
    }
}

/// Phone-number normalisation of intake (G-4): the E.164 form `+<calling code><number>`.
///
/// Separators (spaces, dots, dashes, slashes, parentheses) are dropped, and an `(0)`
/// written after an international prefix; `00` becomes `+`; a national number (leading
/// `0`, or no prefix at all) gets the operation's calling code in place of the trunk `0`.
/// The result has 8 to 15 digits.
public enum PhoneNumber {
    /// `text` (already trimmed) normalised. Throws `participation.invalid_phone`.
    public static func normalize(
        _ text: String, callingCode: String, field: String = "phone"
    ) throws(KimpleError) -> String {
        let invalid = KimpleError(
            .participationInvalidPhone, "Enter a valid phone number, such as +33 6 12 34 56 78 or 06 12 34 56 78.",
            context: ["field": field])
        var bytes = Array(text.utf8)
        guard bytes.count <= 40 else { throw invalid }
        // "+33 (0)6 ..." : the trunk zero written in brackets after an international prefix.
        if let open = bytes.firstIndex(of: UInt8(ascii: "(")), open + 2 < bytes.count,
            bytes[open + 1] == UInt8(ascii: "0"), bytes[open + 2] == UInt8(ascii: ")")
        {
            bytes.removeSubrange(open...(open + 2))
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var international = false
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case 48...57:
                digits.append(byte)
            case UInt8(ascii: "+") where index == 0:
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "("),
                UInt8(ascii: ")"):
                continue
            default:
                throw invalid
            }
        }
        if !international, digits.count > 2, digits[0] == 48, digits[1] == 48 {
            digits.removeFirst(2)
            international = true
        }
        if !international {
            if digits.first == 48 { digits.removeFirst() }
            digits = Array(callingCode.utf8) + digits
        }
        guard (8...15).contains(digits.count), digits.first != 48 else { throw invalid }
        return "+" + String(decoding: digits, as: UTF8.self)
    }
}
