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
        let invalid = KimpleError(
            .participationInvalidEmail, "Enter a valid e-mail address such as name@example.com.",
            context: ["field": field])
        let utf8 = Array(text.utf8)
        guard utf8.count >= 3, utf8.count <= 254, let at = utf8.lastIndex(of: UInt8(ascii: "@")) else { throw invalid }
        let local = utf8[..<at]
        let domain = utf8[(at + 1)...]
        guard isValidLocal(local), isValidDomain(domain) else { throw invalid }
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var lowered = utf8
            var changed = false
            for index in lowered.indices where lowered[index] >= 65 && lowered[index] <= 90 {
                lowered[index] += 32
                changed = true
            }
            return changed ? String(decoding: lowered, as: UTF8.self) : text
        }
        return text.lowercased()
    }

    /// The form of a normalised `address` that identifies a person under `folding`:
    /// sub-address dropped, Gmail dots dropped and `googlemail.com` mapped to `gmail.com`
    /// as asked. Never folds a local part to nothing.
    public static func identity(of address: String, folding: EmailFolding) -> String {
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

    private static func isValidLocal(_ local: ArraySlice<UInt8>) -> Bool {
        guard !local.isEmpty, local.count <= 64, local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".")
        else { return false }
        var previousDot = false
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousDot = false
            }
        }
        return true
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        guard !domain.isEmpty, domain.count <= 253 else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            for byte in label {
                let ok =
                    (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
                    || byte == UInt8(ascii: "-") || byte >= 0x80
                guard ok else { return false }
            }
        }
        guard let top = labels.last, top.count >= 2, !top.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return true
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
