import KimpleCore

/// A submission's form values after validation and normalisation.
public struct ValidatedEntry: Sendable, Hashable {
    /// The normalised values, in form order (empty optional fields left out).
    public var fields: [EntryField]
    /// The consents given, in form order.
    public var consents: [String]
    /// The normalised e-mail address, if the form has an e-mail field and it was given.
    public var email: String?
    /// The normalised phone number, if given.
    public var phone: String?
    /// The birth date, if given.
    public var birthDate: CivilDate?
    /// The country of residence, if the form asks it.
    public var country: String?
}

/// The validation of a submission against an operation's form and eligibility rules, as
/// a pure function (G-4).
public enum EntryValidation {
    /// The oldest age a birth date may give (120 completed years on the operation's local
    /// date): an older one is refused with `participation.implausible_age`.
    public static let maximumAge = 120

    /// Validates and normalises `values` for `operation`, on the local date `today`.
    ///
    /// Checks, in order: each field's type, requirement and length, in form order (text
    /// trimmed, NFC, without control characters; e-mail syntax, lower case; phone E.164;
    /// dates `YYYY-MM-DD`; choices among the options; quiz answers among the options when
    /// there are any; tie-break estimates as bounded numbers, see ``EstimateNumber``; country
    /// among the eligible ones);
    /// a birth date not in the future and at most ``maximumAge`` years ago;
    /// consents (only an explicit `true` gives one; required ones must be given); no
    /// unknown field; the minimum age from the birth date.
    ///
    /// Throws the first problem as a `KimpleError` with a `participation.` code and the
    /// field in its context: `unknown_field`, `missing_field`, `invalid_field`,
    /// `field_too_long`, `invalid_email`, `invalid_phone`, `invalid_date`, `invalid_number`,
    /// `invalid_utf8`, `control_character`, `invisible_character`, `consent_required`,
    /// `ineligible_country`, `ineligible_age`, `implausible_age`.
    public static func validate(
        _ values: [String: FieldInput], for operation: Operation, today: CivilDate
    ) throws(KimpleError) -> ValidatedEntry {
        try validate(values, for: operation, categoryCodes: nil, today: today)
    }

    /// ``validate(_:for:today:)`` with the record codes of the form fields' categories
    /// computed once (by the intake's plan), in form order.
    static func validate(
        _ values: [String: FieldInput], for operation: Operation, categoryCodes codes: [UInt8]?, today: CivilDate
    ) throws(KimpleError) -> ValidatedEntry {
        let form = operation.form
        var result = ValidatedEntry(fields: [], consents: [])
        result.fields.reserveCapacity(form.fields.count)
        // Each form entry is looked up once; values matched by none are unknown (checked
        // after the form's own entries, without a second lookup of each).
        var known = 0
        // Fields are read in place through a buffer: no copy of each field's strings.
        try form.fields.withUnsafeBufferPointer { (fields) throws(KimpleError) in
            for index in fields.indices {
                try validateField(
                    fields[index], index: index, values: values, operation: operation, codes: codes, today: today,
                    known: &known, into: &result)
            }
        }

        for consent in form.consents {
            let given: Bool
            let input = values[consent.name]
            if input != nil { known += 1 }
            switch input {
            case nil: given = false
            case .flag(let flag): given = flag
            case .some(let input):
                let text = try TextNormalizer.normalize(input, field: consent.name)
                guard let flag = flag(text) else {
                    throw KimpleError(
                        .participationInvalidField, "A consent is given with true, or not given with false.",
                        context: ["field": consent.name])
                }
                given = flag
            }
            if given {
                result.consents.append(consent.name)
            } else if consent.required {
                throw KimpleError(
                    .participationConsentRequired, "This consent is required to take part: \(consent.text)",
                    context: ["field": consent.name])
            }
        }

        if let honeypot = form.honeypotField, values[honeypot] != nil { known += 1 }
        if known != values.count {
            let unknown =
                values.keys.filter { name in
                    name != form.honeypotField && form.field(named: name) == nil
                        && !form.consents.contains(where: { $0.name == name })
                }.min() ?? ""
            throw KimpleError(
                .participationUnknownField, "The submission has a field the form does not define.",
                context: ["field": String(unknown.prefix(64))])
        }

        if let minimum = operation.minimumAge, minimum > 0 {
            guard let birth = result.birthDate else {
                throw KimpleError(
                    .participationMissingField, "Give your birth date.",
                    context: ["field": form.fields.first { $0.type == .birthDate }?.name ?? "birth_date"])
            }
            let age = ParticipationPeriods.age(bornOn: birth, on: today)
            guard age >= minimum else {
                throw KimpleError(
                    .participationIneligibleAge, "This operation is open from the age of \(minimum).",
                    context: ["minimumAge": String(minimum)])
            }
        }
        return result
    }

    private static func validateField(
        _ field: FormField, index: Int, values: [String: FieldInput], operation: Operation, codes: [UInt8]?,
        today: CivilDate, known: inout Int, into result: inout ValidatedEntry
    ) throws(KimpleError) {
        let input = values[field.name]
        if input != nil { known += 1 }
        guard let input, let value = try normalized(input, field: field, operation: operation)
        else {
            if field.required {
                throw KimpleError(
                    .participationMissingField, "Fill in \(field.label).", context: ["field": field.name])
            }
            return
        }
        switch field.type {
        case .email: result.email = value
        case .phone: result.phone = value
        case .country: result.country = value
        case .birthDate:
            let birth = try date(value, field: field.name)
            guard birth <= today else {
                throw KimpleError(
                    .participationInvalidDate, "A birth date cannot be in the future.",
                    context: ["field": field.name])
            }
            // SPEC G-4: a birth date more than `maximumAge` years ago is a typing error or a robot.
            guard ParticipationPeriods.age(bornOn: birth, on: today) <= maximumAge else {
                throw KimpleError(
                    .participationImplausibleAge, "Check the birth date: it gives an age above \(maximumAge).",
                    context: ["field": field.name, "maximumAge": String(maximumAge)])
            }
            result.birthDate = birth
        case .date:
            _ = try date(value, field: field.name)
        case .checkbox:
            if field.required, value != "true" {
                throw KimpleError(
                    .participationMissingField, "Tick \(field.label).", context: ["field": field.name])
            }
        case .text, .multilineText, .choice, .answer, .estimate:
            break
        }
        result.fields.append(
            EntryField(
                name: field.name, value: value, category: field.category,
                code: codes.map { $0[index] } ?? EntryCoding.code(of: field.category)))
    }

    /// The normalised value of `input`, or `nil` when it is empty.
    private static func normalized(
        _ input: FieldInput, field: FormField, operation: Operation
    ) throws(KimpleError) -> String? {
        if field.type == .checkbox {
            switch input {
            case .flag(let flag): return flag ? "true" : "false"
            default:
                let text = try TextNormalizer.normalize(input, field: field.name)
                if text.isEmpty { return nil }
                guard let flag = flag(text) else {
                    throw KimpleError(
                        .participationInvalidField, "A box is ticked with true, or not with false.",
                        context: ["field": field.name])
                }
                return flag ? "true" : "false"
            }
        }
        let text = try TextNormalizer.normalize(input, field: field.name, multiline: field.type == .multilineText)
        if text.isEmpty { return nil }
        let value: String
        switch field.type {
        case .email: value = try EmailAddress.normalize(text, field: field.name)
        case .phone: value = try PhoneNumber.normalize(text, callingCode: operation.phoneCallingCode, field: field.name)
        case .choice:
            guard field.options.contains(text) else {
                throw KimpleError(
                    .participationInvalidField, "Choose one of the options offered.", context: ["field": field.name])
            }
            value = text
        case .answer:
            // SPEC G-8: a quiz answer with options is one of them.
            guard field.options.isEmpty || field.options.contains(text) else {
                throw KimpleError(
                    .participationInvalidField, "Choose one of the answers offered.", context: ["field": field.name])
            }
            value = text
        case .estimate:
            // SPEC G-8: the tie-break estimate is a bounded number, refused otherwise.
            value = try EstimateNumber.canonical(text, field: field.name)
        case .country:
            let code = text.uppercased()
            guard OperationRules.isCountryCode(code) else {
                throw KimpleError(
                    .participationInvalidField, "A country is an ISO 3166-1 alpha-2 code such as FR.",
                    context: ["field": field.name])
            }
            guard operation.eligibleCountries.contains(code) else {
                throw KimpleError(
                    .participationIneligibleCountry, "This operation is not open to residents of this country.",
                    context: ["field": field.name, "country": code])
            }
            value = code
        default:
            value = text
        }
        guard TextNormalizer.length(value) <= field.maximumLength else {
            throw KimpleError(
                .participationFieldTooLong, "\(field.label) is longer than \(field.maximumLength) characters.",
                context: ["field": field.name, "limit": String(field.maximumLength)])
        }
        return value
    }

    /// `YYYY-MM-DD` read byte by byte (no allocation), then checked as a calendar date.
    static func date(_ text: String, field: String) throws(KimpleError) -> CivilDate {
        let parts: (Int, Int, Int)? =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
                    return nil
                }
                func number(_ range: Range<Int>) -> Int? {
                    var value = 0
                    for index in range {
                        let digit = Int(bytes[index]) - 48
                        guard (0...9).contains(digit) else { return nil }
                        value = value * 10 + digit
                    }
                    return value
                }
                guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
                return (year, month, day)
            } ?? nil
        do {
            if let (year, month, day) = parts { return try CivilDate(year: year, month: month, day: day) }
            return try CivilDate(text)
        } catch {
            throw KimpleError(
                .participationInvalidDate, "Enter a date written YYYY-MM-DD.", context: ["field": field])
        }
    }

    private static func flag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "on", "1", "yes": true
        case "false", "off", "0", "no": false
        default: nil
        }
    }
}
