import Foundation
import KimpleCore
import KimpleGames

/// A raw form submission (G-4): the JSON decoder, then the validation and normalisation
/// against an operation's form. The input is the JSON as received.
///
/// Invariants once the JSON decoded:
/// - the values encode (with Foundation's JSON encoder) and decode back to themselves;
/// - text normalisation is idempotent: normalise(normalise(x)) == normalise(x), in one-line
///   and multi-line mode;
/// - validation is idempotent: the values of an accepted entry, submitted again, give the
///   same entry.
enum SubmissionFuzz {
    /// 2026-06-15.
    static let today = CivilDate(daysSinceEpoch: 20_619)
    static let unbounded = InputLimits(
        maximumPayloadBytes: .max, maximumFields: .max, maximumFieldBytes: .max, maximumFieldNameBytes: .max)

    static let operation = KimpleGames.Operation(
        id: "fuzz", tenant: "acme", advertiser: Advertiser(name: "Acme", registration: "FR-SIREN-552100554"),
        kind: .randomDraw, title: "Fuzz", opensAt: Date(timeIntervalSince1970: 1_780_000_000),
        closesAt: Date(timeIntervalSince1970: 1_782_000_000), eligibleCountries: ["FR", "BE"],
        form: EntryForm(
            fields: [
                FormField(name: "email", label: "E-mail", type: .email),
                FormField(name: "first_name", label: "First name", type: .text, maximumLength: 50, category: .name),
                FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                FormField(name: "phone", label: "Phone", type: .phone, required: false),
                FormField(name: "country", label: "Country", type: .country, required: false),
                FormField(name: "size", label: "Size", type: .choice, required: false, options: ["S", "M", "Ü"]),
                FormField(name: "story", label: "Story", type: .multilineText, required: false),
                FormField(name: "visit", label: "Visit", type: .date, required: false),
                FormField(name: "newsletter", label: "Newsletter", type: .checkbox, required: false),
            ],
            consents: [.rules(), .marketing(text: "News from Acme.")], honeypotField: "website"),
        instruction: "acme-participations")

    static func run(_ input: [UInt8]) throws {
        let values = try SubmissionDecoder.decode(input)

        // The values survive a trip through another JSON encoder.
        let plain = values.mapValues { value -> Any in
            switch value {
            case .text(let text): text
            case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
            case .flag(let flag): flag
            }
        }
        let encoded: Data
        do {
            encoded = try JSONSerialization.data(withJSONObject: plain, options: [.sortedKeys])
        } catch {
            throw InvariantViolation("decoded values do not encode as JSON: \(error)")
        }
        do {
            let again = try SubmissionDecoder.decode([UInt8](encoded), limits: unbounded)
            try invariant(again == values, "a JSON round trip changed the values: \(values) -> \(again)")
        } catch let error as KimpleError {
            throw InvariantViolation("re-encoded values do not decode: \(error)")
        }

        // Normalising twice changes nothing.
        for (name, value) in values {
            for multiline in [false, true] {
                guard let once = try? TextNormalizer.normalize(value, field: name, multiline: multiline) else {
                    continue
                }
                do {
                    let twice = try TextNormalizer.normalize(once, field: name, multiline: multiline)
                    try invariant(twice == once, "normalising \(debug(once)) again gives \(debug(twice))")
                } catch let error as KimpleError {
                    throw InvariantViolation("normalised text \(debug(once)) is refused: \(error)")
                }
            }
        }

        // The only refusal allowed after decoding: the form's rules.
        let entry = try EntryValidation.validate(values, for: operation, today: today)
        var resubmitted: [String: FieldInput] = [:]
        for field in entry.fields { resubmitted[field.name] = .text(field.value) }
        for consent in entry.consents { resubmitted[consent] = .flag(true) }
        do {
            let again = try EntryValidation.validate(resubmitted, for: operation, today: today)
            try invariant(again == entry, "validating an accepted entry again changed it: \(entry) -> \(again)")
        } catch let error as KimpleError {
            throw InvariantViolation("an accepted entry's own values are refused: \(error) \(entry)")
        }
    }

    /// Text with its scalars spelled out, for messages.
    static func debug(_ text: String) -> String {
        "\""
            + text.unicodeScalars.map {
                $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}"
            }
            .joined() + "\""
    }

    /// Submissions a form sends, and the edges of the decoder: escapes, numbers, null.
    static func seeds() -> [String: [UInt8]] {
        let texts = [
            "valid": #"{"email": "jane@example.com", "first_name": "Jane", "birth_date": "1990-04-12", "rules": true}"#,
            "full":
                #"{"email":"Zo\u00e9@Example.COM","first_name":"  Zo\u0065\u0301 \ud83c\udf89 ","birth_date":"1990-04-12","phone":"06 12 34 56 78","country":"fr","size":"M","story":"Line one\nline\ttwo","visit":"2026-06-01","newsletter":"on","rules":"yes","marketing":false,"website":null}"#,
            "numbers": #"{"first_name": -12.5e+3, "email": "a.b@c.de", "birth_date": "2000-02-29", "rules": 1}"#,
            "empty": "{}",
        ]
        return texts.mapValues { Array($0.utf8) }
    }
}
