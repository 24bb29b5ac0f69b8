// Foundation, not only FoundationEssentials: named time zones need its time-zone database.
import Foundation
import KimpleCore

/// The licence granted to the client (§5): the licensee itself and the territory and
/// period it may run operations in. The host passes it in (KimpleContracts or its own
/// records hold the signed quote it comes from).
public struct GamesLicence: Sendable, Codable, Hashable {
    /// The licensee: the only advertiser its operations may run for (§5 (v)).
    public var licensee: Advertiser
    /// ISO 3166-1 alpha-2 codes of the licence territory ("le territoire géographique précisé dans le Devis").
    public var territory: [String]
    /// The start of the contract, if the licence is limited in time.
    public var validFrom: Date?
    /// The end of the contract period, if known.
    public var validUntil: Date?

    /// A licence of `licensee` for `territory`, limited in time when `validFrom` or `validUntil` is given.
    public init(licensee: Advertiser, territory: [String], validFrom: Date? = nil, validUntil: Date? = nil) {
        self.licensee = licensee
        self.territory = territory
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

/// One reason an operation cannot go live (or is not well defined).
public struct GoLiveProblem: Sendable, Hashable, Codable {
    /// The stable code (`operation.rules_missing`...).
    public var code: KimpleError.Code
    /// What is wrong and what to do, for a person.
    public var message: String
    /// What locates the problem (`field`, `country`...).
    public var context: [String: String]

    /// A problem with its code, message and context.
    public init(_ code: KimpleError.Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The problem as an error.
    public var error: KimpleError { KimpleError(code, message, context: context) }
}

/// The outcome of the going-live checks: every problem found, so a person can fix them
/// all at once.
public struct GoLiveReview: Sendable, Hashable {
    /// The operation reviewed.
    public var operation: OperationID
    /// Every problem, definition problems first.
    public var problems: [GoLiveProblem]

    /// The review of `operation` listing `problems` (none: ready).
    public init(operation: OperationID, problems: [GoLiveProblem]) {
        self.operation = operation
        self.problems = problems
    }

    /// Whether the operation may go live.
    public var isReady: Bool { problems.isEmpty }

    /// Throws the first problem as a `KimpleError` whose context lists every problem's
    /// code under `problems`; returns when there is none.
    public func requireReady() throws {
        guard let first = problems.first else { return }
        var context = first.context
        context["operation"] = operation.rawValue
        context["problems"] = problems.map(\.code.rawValue).joined(separator: ",")
        let more = problems.count > 1 ? " (\(problems.count - 1) more problem(s) listed in the context)" : ""
        throw KimpleError(first.code, first.message + more, context: context)
    }
}

/// The checks of an operation, as pure functions over values (G-1, G-2, G-3).
public enum OperationRules {
    /// The longest operation window: ten years.
    public static let maximumWindow: TimeInterval = 3_660 * 86_400
    /// The longest length limit a field may declare.
    public static let maximumFieldLength = 16_384

    /// Whether `name` is a valid field or consent name: 1 to 64 characters from
    /// `a-z 0-9 _`, starting with a letter.
    public static func isValidFieldName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= 64, first >= 97, first <= 122 else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Whether `code` is an upper-case ISO 3166-1 alpha-2 shaped code.
    public static func isCountryCode(_ code: String) -> Bool {
        let bytes = code.utf8
        return bytes.count == 2 && bytes.allSatisfy { $0 >= 65 && $0 <= 90 }
    }

    /// Problems that make the definition unusable, whatever the licence: dates, time
    /// zone, countries, form, identity, limit, prizes, kind-specific needs. Checked when
    /// an operation is created or edited, and again before it goes live.
    public static func definitionProblems(of operation: Operation) -> [GoLiveProblem] {
        var problems: [GoLiveProblem] = []
        func invalid(_ field: String, _ message: String) {
            problems.append(GoLiveProblem(.operationInvalid, message, context: ["field": field]))
        }
        let title = operation.title.trimmedText
        if title.isEmpty || title.count > 200 { invalid("title", "Give the operation a title of 1 to 200 characters.") }
        if !(operation.opensAt < operation.closesAt) {
            invalid("closesAt", "The closing instant must come after the opening instant.")
        } else if operation.closesAt.timeIntervalSince(operation.opensAt) > maximumWindow {
            invalid("closesAt", "An operation runs for at most ten years; split it into several operations.")
        }
        if TimeZone(identifier: operation.timeZone) == nil {
            invalid("timeZone", "The time zone must be an IANA identifier such as Europe/Paris.")
        }
        if operation.eligibleCountries.isEmpty {
            invalid("eligibleCountries", "Name at least one eligible country (ISO 3166-1 alpha-2 code, such as FR).")
        } else if !operation.eligibleCountries.allSatisfy(isCountryCode) {
            invalid("eligibleCountries", "Eligible countries are upper-case ISO 3166-1 alpha-2 codes such as FR.")
        } else if Set(operation.eligibleCountries).count != operation.eligibleCountries.count {
            invalid("eligibleCountries", "An eligible country is listed twice.")
        }
        let form = operation.form
        if let age = operation.minimumAge {
            if !(0...130).contains(age) {
                invalid("minimumAge", "The minimum age is between 0 and 130 years.")
            } else if age > 0, !form.fields.contains(where: { $0.type == .birthDate && $0.required }) {
                invalid(
                    "minimumAge",
                    "A minimum age needs a required birth date field on the form; add one or set no minimum age.")
            }
        }
        problems += formProblems(form)
        switch operation.identity {
        case .email where !form.fields.contains(where: { $0.type == .email && $0.required }):
            invalid("identity", "Identifying people by e-mail needs a required e-mail field on the form.")
        case .phone where !form.fields.contains(where: { $0.type == .phone && $0.required }):
            invalid("identity", "Identifying people by phone needs a required phone field on the form.")
        default:
            break
        }
        if !(1...1_000_000).contains(operation.limit.maximum) {
            invalid("limit", "The participation limit is between 1 and 1,000,000 per period.")
        }
        let code = operation.phoneCallingCode.utf8
        if code.isEmpty || code.count > 3 || !code.allSatisfy({ $0 >= 48 && $0 <= 57 }) || code.first == 48 {
            invalid("phoneCallingCode", "The calling code is 1 to 3 digits without a leading zero, such as 33.")
        }
        var prizeIDs = Set<PrizeID>()
        for prize in operation.prizes {
            if !prizeIDs.insert(prize.id).inserted { invalid("prizes", "Prize \(prize.id) is listed twice.") }
            if prize.name.trimmedText.isEmpty {
                invalid("prizes", "Prize \(prize.id) needs a name.")
            }
            if prize.quantity < 1 { invalid("prizes", "Prize \(prize.id) needs a quantity of at least 1.") }
            if prize.unitValue.currency != .eur || prize.unitValue.isNegative {
                invalid("prizes", "Prize \(prize.id) needs a unit value in EUR, zero or more.")
            }
        }
        if operation.kind.awardsPrizes, operation.prizes.isEmpty {
            invalid("prizes", "A \(operation.kind.rawValue) operation needs at least one prize.")
        }
        if operation.kind == .contest,
            (operation.tieBreakQuestion ?? "").trimmedText.isEmpty
        {
            invalid("tieBreakQuestion", "A contest needs a tie-break question (question subsidiaire).")
        }
        if (operation.audience.expectedParticipants ?? 0) < 0
            || operation.audience.promotions.contains(where: {
                $0.reach < 0
            })
        {
            invalid("audience", "Audience figures are zero or more.")
        }
        if let route = operation.purchase.freeRoute,
            route.description.trimmedText.isEmpty
        {
            invalid("purchase", "Describe the free route as the rules state it.")
        }
        return problems
    }

    private static func formProblems(_ form: EntryForm) -> [GoLiveProblem] {
        var problems: [GoLiveProblem] = []
        func invalid(_ field: String, _ message: String) {
            problems.append(GoLiveProblem(.operationInvalid, message, context: ["field": field]))
        }
        var names = Set<String>()
        for field in form.fields {
            let path = "form.fields.\(field.name)"
            if !isValidFieldName(field.name) {
                invalid(path, "A field name is 1 to 64 characters from a-z, 0-9 and _, starting with a letter.")
            }
            if !names.insert(field.name).inserted { invalid(path, "Two form entries are named \(field.name).") }
            if !(1...maximumFieldLength).contains(field.maximumLength) {
                invalid(path, "A field's length limit is between 1 and \(maximumFieldLength) characters.")
            }
            if field.type == .choice || (field.type == .answer && !field.options.isEmpty) {
                if field.options.isEmpty || Set(field.options).count != field.options.count
                    || field.options.contains(where: \.isEmpty)
                {
                    invalid(path, "A choice field needs distinct, non-empty options.")
                }
            }
        }
        for type in [FieldType.email, .phone, .birthDate, .country, .estimate]
        where form.fields.filter({ $0.type == type }).count > 1 {
            invalid("form.fields", "A form has at most one \(type.rawValue) field.")
        }
        for consent in form.consents {
            let path = "form.consents.\(consent.name)"
            if !isValidFieldName(consent.name) {
                invalid(path, "A consent name is 1 to 64 characters from a-z, 0-9 and _, starting with a letter.")
            }
            if !names.insert(consent.name).inserted { invalid(path, "Two form entries are named \(consent.name).") }
            if consent.required, consent.purpose == .marketing || consent.purpose == .partnerMarketing {
                invalid(path, "A marketing consent cannot be a condition of entry; make it optional.")
            }
            if consent.text.trimmedText.isEmpty {
                invalid(path, "A consent needs the sentence shown to participants.")
            }
        }
        if !form.consents.contains(where: { $0.purpose == .rulesAcceptance && $0.required }) {
            invalid("form.consents", "The form needs a required consent accepting the rules (règlement).")
        }
        if let honeypot = form.honeypotField {
            if !isValidFieldName(honeypot) {
                invalid("form.honeypotField", "The honeypot's name follows the rules of field names.")
            } else if names.contains(honeypot) {
                invalid("form.honeypotField", "The honeypot's name must differ from every field and consent.")
            }
        }
        return problems
    }

    /// Every problem that keeps `operation` from going live under `licence` at `now`,
    /// except the content check and the processing gate (asynchronous, run by the
    /// ``OperationService``): the definition, the rules document (G-1), the free route
    /// when a purchase or payment is involved (G-2), the licensee and the territory (G-3),
    /// and a closing instant still to come.
    public static func goLiveProblems(of operation: Operation, licence: GamesLicence, now: Date) -> [GoLiveProblem] {
        var problems = definitionProblems(of: operation)
        if operation.closesAt <= now {
            problems.append(
                GoLiveProblem(
                    .operationInvalid, "The closing instant has passed; set a window in the future.",
                    context: ["field": "closesAt"]))
        }
        if let rules = operation.rules {
            if rules.byteCount <= 0 || rules.title.trimmedText.isEmpty {
                problems.append(
                    GoLiveProblem(
                        .operationRulesMissing, "The rules document is empty or untitled; attach the real document."))
            }
        } else {
            problems.append(
                GoLiveProblem(
                    .operationRulesMissing,
                    "Attach the rules document (règlement); its SHA-256 is recorded with the operation."))
        }
        if !operation.purchase.isLawful {
            problems.append(
                GoLiveProblem(
                    .operationPurchaseWithoutFreeRoute,
                    "Taking part requires a purchase or a payment: declare a free route (participation without "
                        + "purchase or reimbursement), or the game may count as gambling (§7.1).",
                    context: [
                        "requiresPurchase": String(operation.purchase.requiresPurchase),
                        "requiresPayment": String(operation.purchase.requiresPayment),
                    ]))
        }
        if !operation.advertiser.isSameEntity(as: licence.licensee) {
            problems.append(
                GoLiveProblem(
                    .operationAdvertiserNotLicensee,
                    "The advertiser must be the licensee itself; campaigns for a third party are not allowed (§5 (v)).",
                    context: [
                        "advertiser": operation.advertiser.registration,
                        "licensee": licence.licensee.registration,
                    ]))
        }
        let territory = Set(licence.territory.map { $0.uppercased() })
        let outside = operation.eligibleCountries.filter { !territory.contains($0.uppercased()) }
        if !outside.isEmpty {
            problems.append(
                GoLiveProblem(
                    .operationTerritoryOutsideLicence,
                    "Eligible countries must lie inside the licence territory; remove them or extend the licence.",
                    context: [
                        "countries": outside.joined(separator: ","),
                        "territory": territory.sorted().joined(separator: ","),
                    ]))
        }
        if let end = licence.validUntil, operation.closesAt > end {
            problems.append(
                GoLiveProblem(
                    .operationOutsideLicencePeriod,
                    "The operation closes after the licence ends; close it earlier or renew the contract first.",
                    context: ["licenceEnd": ISO8601.string(end), "closesAt": ISO8601.string(operation.closesAt)]))
        }
        if let start = licence.validFrom, operation.opensAt < start {
            problems.append(
                GoLiveProblem(
                    .operationOutsideLicencePeriod, "The operation opens before the licence starts.",
                    context: ["licenceStart": ISO8601.string(start), "opensAt": ISO8601.string(operation.opensAt)]))
        }
        return problems
    }
}
