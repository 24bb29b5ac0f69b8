import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which recipients in a destination an adequacy decision covers (P-8). Adequacy is a rule
/// on (destination, recipient), not a plain list of countries.
public enum AdequacyScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every recipient in the destination.
    case allRecipients = "all_recipients"
    /// Only commercial organisations (Canada: organisations subject to PIPEDA in the course
    /// of commercial activities).
    case commercialOrganisations = "commercial_organisations"
    /// Only the private sector: commercial organisations and non-profits, not public
    /// authorities (Japan: business operators subject to the APPI).
    case privateSector = "private_sector"
    /// Only recipients certified under the EU–US Data Privacy Framework on the date of the
    /// transfer (United States).
    case dataPrivacyFrameworkParticipants = "data_privacy_framework_participants"
    /// The international organisation itself.
    case internationalOrganisation = "international_organisation"

    /// Whether `recipient` falls within the scope on `date`; `nil` recipient facts fall only
    /// within ``allRecipients``.
    public func covers(_ recipient: TransferRecipient?, on date: CivilDate) -> Bool {
        switch self {
        case .allRecipients:
            return true
        case .commercialOrganisations:
            return recipient?.organisationKind == .commercial
        case .privateSector:
            return recipient.map { $0.organisationKind == .commercial || $0.organisationKind == .nonProfit } ?? false
        case .dataPrivacyFrameworkParticipants:
            return recipient?.isCertified(.euUSDataPrivacyFramework, on: date) ?? false
        case .internationalOrganisation:
            return recipient?.organisationKind == .internationalOrganisation
        }
    }
}

/// One adequacy decision of the European Commission (GDPR art. 45), as data.
public struct AdequacyDecision: Sendable, Hashable, Codable {
    /// The destination: ISO 3166-1 alpha-2 code, or `ORG:<acronym>` for an international
    /// organisation (`ORG:EPO`).
    public var destination: String
    /// Its name, for people.
    public var name: String
    /// The act (`Commission Implementing Decision (EU) 2023/1795 of 10 July 2023`).
    public var reference: String
    /// The first day the decision applies.
    public var inForceFrom: CivilDate
    /// The last day it applies, when it expires (`nil`: until repealed).
    public var inForceUntil: CivilDate?
    /// Which recipients it covers.
    public var scope: AdequacyScope
    /// What a person should know about it.
    public var note: String

    /// A decision; the destination code is upper-cased.
    public init(
        destination: String, name: String, reference: String, inForceFrom: CivilDate, inForceUntil: CivilDate? = nil,
        scope: AdequacyScope = .allRecipients, note: String = ""
    ) {
        self.destination = destination.uppercased()
        self.name = name
        self.reference = reference
        self.inForceFrom = inForceFrom
        self.inForceUntil = inForceUntil
        self.scope = scope
        self.note = note
    }

    /// Whether the decision applies on `date`.
    public func isInForce(on date: CivilDate) -> Bool {
        inForceFrom <= date && (inForceUntil.map { date <= $0 } ?? true)
    }
}

/// Why a destination may receive personal data, when it may (P-8).
public struct TransferBasis: Sendable, Hashable, Codable {
    /// The kind of basis.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A member state of the European Union.
        case europeanUnion = "european_union"
        /// An EEA country outside the EU (Iceland, Liechtenstein, Norway).
        case europeanEconomicArea = "european_economic_area"
        /// An adequacy decision of the Commission.
        case adequacyDecision = "adequacy_decision"
    }

    /// The kind.
    public var kind: Kind
    /// The decision relied on, for ``Kind/adequacyDecision``.
    public var decision: AdequacyDecision?
}

/// The outcome of the transfer rule for one destination and recipient on one date (P-8):
/// a breakdown a person can check.
public struct TransferAssessment: Sendable, Hashable, Codable {
    /// The destination code assessed.
    public var destination: String
    /// The recipient's name, when known.
    public var recipient: String?
    /// The date of the transfer.
    public var date: CivilDate
    /// The basis that allows it, `nil` when refused.
    public var basis: TransferBasis?
    /// Why, in words.
    public var explanation: String

    /// Whether the transfer is allowed.
    public var isAllowed: Bool { basis != nil }
}

/// The transfer rule of P-8 as data: the EU and EEA countries and the Commission's adequacy
/// decisions with their dates and scopes. The SDK ships ``builtIn`` (reviewed on
/// ``reviewedOn``); a host loads an updated table with ``init(json:)`` without a new
/// release when a decision is adopted, renewed or struck down.
///
/// Destinations are ISO 3166-1 alpha-2 codes (`FR`, `US`), upper case. International
/// organisations, which have no country code, are written `ORG:<acronym>` (`ORG:EPO`).
public struct AdequacyTable: Sendable, Hashable, Codable {
    /// When the table's content was last checked against the Commission's list.
    public var reviewedOn: CivilDate
    /// Member states of the European Union (and their territories with their own ISO code
    /// that belong to the Union, such as the outermost regions), code to name.
    public var europeanUnion: [String: String]
    /// EEA countries outside the Union, code to name.
    public var europeanEconomicArea: [String: String]
    /// Adequacy decisions, several per destination when a decision was renewed.
    public var decisions: [AdequacyDecision]

    /// A table; call ``validate()`` on one built by hand.
    public init(
        reviewedOn: CivilDate, europeanUnion: [String: String], europeanEconomicArea: [String: String],
        decisions: [AdequacyDecision]
    ) {
        self.reviewedOn = reviewedOn
        self.europeanUnion = europeanUnion
        self.europeanEconomicArea = europeanEconomicArea
        self.decisions = decisions
    }

    /// Decodes a table written by ``json()`` (or by hand in the same format) and checks it.
    /// Throws `core.invalid_argument` when it does not decode or a code is not valid.
    public init(json: Data) throws {
        let table: AdequacyTable
        do {
            table = try JSONCoding.decode(AdequacyTable.self, from: json, key: "adequacy")
        } catch let error as KimpleError {
            throw KimpleError(.invalidArgument, "The adequacy table does not decode: \(error.message)")
        }
        try table.validate()
        self = table
    }

    /// The table as JSON (sorted keys; dates as `YYYY-MM-DD`).
    public func json() throws -> Data {
        try JSONCoding.encode(self)
    }

    /// Throws `core.invalid_argument` when a code is not `XX` or `ORG:...`.
    public func validate() throws {
        let codes = Array(europeanUnion.keys) + Array(europeanEconomicArea.keys) + decisions.map(\.destination)
        for code in codes where !Self.isValidDestinationCode(code) || code != code.uppercased() {
            throw KimpleError(
                .invalidArgument, "Destinations are upper-case ISO 3166-1 alpha-2 codes or ORG:<acronym>.",
                context: ["code": String(code.prefix(16))])
        }
    }

    /// Whether `code` is two letters A-Z (any case) or `ORG:` followed by 1 to 16 letters or digits.
    public static func isValidDestinationCode(_ code: String) -> Bool {
        let bytes = Array(code.uppercased().utf8)
        func isLetter(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        if bytes.count == 2 { return bytes.allSatisfy(isLetter) }
        guard bytes.count > 4, bytes.count <= 20, code.uppercased().hasPrefix("ORG:") else { return false }
        return bytes.dropFirst(4).allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// The decisions that apply to `destination` on `date`.
    public func decisions(for destination: String, on date: CivilDate) -> [AdequacyDecision] {
        let code = destination.uppercased()
        return decisions.filter { $0.destination == code && $0.isInForce(on: date) }
    }

    /// Applies the rule: EU or EEA, else an adequacy decision in force on `date` whose scope
    /// covers `recipient`; anything else is refused.
    public func assess(
        destination: String, recipient: TransferRecipient?, on date: CivilDate
    ) -> TransferAssessment {
        let code = destination.uppercased()
        var assessment = TransferAssessment(
            destination: code, recipient: recipient?.name, date: date, basis: nil, explanation: "")
        if let name = europeanUnion[code] {
            assessment.basis = TransferBasis(kind: .europeanUnion, decision: nil)
            assessment.explanation = "\(name) is in the European Union."
            return assessment
        }
        if let name = europeanEconomicArea[code] {
            assessment.basis = TransferBasis(kind: .europeanEconomicArea, decision: nil)
            assessment.explanation = "\(name) is in the European Economic Area."
            return assessment
        }
        let inForce = decisions(for: code, on: date)
        if let decision = inForce.first(where: { $0.scope.covers(recipient, on: date) }) {
            assessment.basis = TransferBasis(kind: .adequacyDecision, decision: decision)
            assessment.explanation = "\(decision.name): \(decision.reference) (\(Self.scopeText(decision.scope)))."
            return assessment
        }
        if let decision = inForce.first {
            assessment.explanation =
                "\(decision.name) is adequate only for \(Self.scopeText(decision.scope)); "
                + "\(recipient?.name ?? "the recipient") is not, on \(date)."
        } else if let known = decisions.first(where: { $0.destination == code }) {
            assessment.explanation = "No adequacy decision for \(known.name) is in force on \(date)."
        } else {
            assessment.explanation =
                "\(code) is outside the EU and the EEA and has no adequacy decision: personal data may not go there."
        }
        return assessment
    }

    static func scopeText(_ scope: AdequacyScope) -> String {
        switch scope {
        case .allRecipients: "every recipient"
        case .commercialOrganisations: "commercial organisations"
        case .privateSector: "the private sector"
        case .dataPrivacyFrameworkParticipants: "recipients certified under the EU–US Data Privacy Framework"
        case .internationalOrganisation: "the international organisation itself"
        }
    }
}

// MARK: - The shipped table

extension AdequacyTable {
    private static func day(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
        CivilDate(unchecked: year, month, day)
    }

    /// The table shipped with this version of the SDK, reviewed on 26 November 2026.
    ///
    /// Decisions are dated by their adoption. The United Kingdom has two entries: the 2021
    /// decision (extended to 27 December 2025) and its renewal of 19 December 2025 (to 27
    /// December 2031).
    public static let builtIn = AdequacyTable(
        reviewedOn: day(2026, 11, 26),
        europeanUnion: [
            "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus",
            "CZ": "Czechia", "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France",
            "DE": "Germany", "GR": "Greece", "HU": "Hungary", "IE": "Ireland", "IT": "Italy",
            "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg", "MT": "Malta", "NL": "Netherlands",
            "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia", "SI": "Slovenia",
            "ES": "Spain", "SE": "Sweden",
            // Parts of member states inside the Union that have their own ISO code.
            "AX": "Åland Islands (Finland)", "GF": "French Guiana (France)", "GP": "Guadeloupe (France)",
            "MQ": "Martinique (France)", "RE": "Réunion (France)", "YT": "Mayotte (France)",
            "MF": "Saint-Martin (France)",
        ],
        europeanEconomicArea: ["IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway"],
        decisions: [
            AdequacyDecision(
                destination: "AD", name: "Andorra", reference: "Commission Decision 2010/625/EU of 19 October 2010",
                inForceFrom: day(2010, 10, 19)),
            AdequacyDecision(
                destination: "AR", name: "Argentina", reference: "Commission Decision 2003/490/EC of 30 June 2003",
                inForceFrom: day(2003, 6, 30)),
            AdequacyDecision(
                destination: "BR", name: "Brazil",
                reference: "Commission Implementing Decision (EU) 2026/179 of 26 January 2026",
                inForceFrom: day(2026, 1, 26)),
            AdequacyDecision(
                destination: "CA", name: "Canada", reference: "Commission Decision 2002/2/EC of 20 December 2001",
                inForceFrom: day(2001, 12, 20), scope: .commercialOrganisations,
                note: "Covers recipients subject to PIPEDA (commercial activities) only."),
            AdequacyDecision(
                destination: "FO", name: "Faroe Islands", reference: "Commission Decision 2010/146/EU of 5 March 2010",
                inForceFrom: day(2010, 3, 5)),
            AdequacyDecision(
                destination: "GG", name: "Guernsey", reference: "Commission Decision 2003/821/EC of 21 November 2003",
                inForceFrom: day(2003, 11, 21)),
            AdequacyDecision(
                destination: "IL", name: "Israel", reference: "Commission Decision 2011/61/EU of 31 January 2011",
                inForceFrom: day(2011, 1, 31)),
            AdequacyDecision(
                destination: "IM", name: "Isle of Man", reference: "Commission Decision 2004/411/EC of 28 April 2004",
                inForceFrom: day(2004, 4, 28)),
            AdequacyDecision(
                destination: "JP", name: "Japan",
                reference: "Commission Implementing Decision (EU) 2019/419 of 23 January 2019",
                inForceFrom: day(2019, 1, 23), scope: .privateSector,
                note: "Covers personal information handling business operators under the APPI (private sector)."),
            AdequacyDecision(
                destination: "JE", name: "Jersey", reference: "Commission Decision 2008/393/EC of 8 May 2008",
                inForceFrom: day(2008, 5, 8)),
            AdequacyDecision(
                destination: "NZ", name: "New Zealand",
                reference: "Commission Implementing Decision 2013/65/EU of 19 December 2012",
                inForceFrom: day(2012, 12, 19)),
            AdequacyDecision(
                destination: "KR", name: "Republic of Korea",
                reference: "Commission Implementing Decision (EU) 2022/254 of 17 December 2021",
                inForceFrom: day(2021, 12, 17)),
            AdequacyDecision(
                destination: "CH", name: "Switzerland", reference: "Commission Decision 2000/518/EC of 26 July 2000",
                inForceFrom: day(2000, 7, 26)),
            AdequacyDecision(
                destination: "GB", name: "United Kingdom",
                reference: "Commission Implementing Decision (EU) 2021/1772 of 28 June 2021",
                inForceFrom: day(2021, 6, 28), inForceUntil: day(2025, 12, 27),
                note: "Expiry extended from 27 June 2025 to 27 December 2025; renewed on 19 December 2025."),
            AdequacyDecision(
                destination: "GB", name: "United Kingdom",
                reference: "Commission Implementing Decision of 19 December 2025 renewing the 2021 decision",
                inForceFrom: day(2025, 12, 19), inForceUntil: day(2031, 12, 27),
                note: "Renewal for six years."),
            AdequacyDecision(
                destination: "US", name: "United States",
                reference:
                    "Commission Implementing Decision (EU) 2023/1795 of 10 July 2023 (EU–US Data Privacy Framework)",
                inForceFrom: day(2023, 7, 10), scope: .dataPrivacyFrameworkParticipants,
                note: "Only recipients on the Data Privacy Framework List, certified on the date of the transfer."),
            AdequacyDecision(
                destination: "UY", name: "Uruguay",
                reference: "Commission Implementing Decision 2012/484/EU of 21 August 2012",
                inForceFrom: day(2012, 8, 21)),
            AdequacyDecision(
                destination: "ORG:EPO", name: "European Patent Organisation",
                reference:
                    "Commission Implementing Decision of 15 July 2025 (first decision for an international organisation)",
                inForceFrom: day(2025, 7, 15), scope: .internationalOrganisation),
        ])
}
