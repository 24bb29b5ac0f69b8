import Kimple

/// Reads a participation's body: `application/x-www-form-urlencoded` or `application/json`,
/// into the SDK's form values and the form-rendered-at token.
enum SubmissionBody {
    /// The most `name=value` pairs read from a form body before it is refused.
    static let maximumPairs = 128

    /// The values of a URL-encoded form body. Values stay bytes (`FieldInput.utf8`): the SDK
    /// checks that they are UTF-8. The consents and checkbox fields of `form` become flags.
    ///
    /// - Throws: `participation.malformed` for a bad percent escape, a name that is not UTF-8,
    ///   a name given twice or too many pairs.
    static func urlEncoded(
        _ body: [UInt8], form: EntryForm
    ) throws(KimpleError) -> (
        fields: [String: FieldInput], token: String?
    ) {
        let flags = Set(form.consents.map(\.name) + form.fields.filter { $0.type == .checkbox }.map(\.name))
        var fields: [String: FieldInput] = [:]
        var token: String?
        let pairs = body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        guard pairs.count <= maximumPairs else {
            throw malformed("The form has too many values.")
        }
        for pair in pairs {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let nameBytes = try percentDecoded(parts[0])
            let value = try percentDecoded(parts.count > 1 ? parts[1] : [])
            guard let name = String(validating: nameBytes, as: UTF8.self), !name.isEmpty else {
                throw malformed("A form value has no valid name.")
            }
            if name == HTML.formTokenField {
                token = String(validating: value, as: UTF8.self)
                continue
            }
            guard fields[name] == nil else {
                throw malformed("The form value '\(name.prefix(64))' is given twice.", field: name)
            }
            if flags.contains(name) {
                let text = String(decoding: value, as: UTF8.self)
                fields[name] = .flag(["true", "on", "1", "yes"].contains(text.lowercased()))
            } else {
                fields[name] = .utf8(value)
            }
        }
        return (fields, token)
    }

    /// The values of a JSON body (the SDK's strict decoder), the token taken out.
    static func json(
        _ body: [UInt8], limits: InputLimits
    ) throws(KimpleError) -> (
        fields: [String: FieldInput], token: String?
    ) {
        var fields = try SubmissionDecoder.decode(body, limits: limits)
        var token: String?
        if let value = fields.removeValue(forKey: HTML.formTokenField) {
            switch value {
            case .text(let text): token = text
            case .utf8(let bytes): token = String(validating: bytes, as: UTF8.self)
            case .flag: token = nil
            }
        }
        return (fields, token)
    }

    private static func percentDecoded(_ bytes: some Collection<UInt8>) throws(KimpleError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): result.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw malformed("The form has a bad percent escape.")
                }
                result.append(high << 4 | low)
            default: result.append(byte)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func malformed(_ message: String, field: String? = nil) -> KimpleError {
        KimpleError(
            .participationMalformed, message, context: field.map { ["field": String($0.prefix(64))] } ?? [:])
    }
}
