import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One value of an exported row (G-11). How each kind is written in CSV and JSON Lines is in
/// `Documentation/Interoperability.md`, "Exports".
public enum ExportValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// No value: an empty CSV cell, JSON `null`.
    case null
    /// Text, written as given (CSV cells starting with `=`, `+`, `-`, `@`, tab or carriage return
    /// are neutralised with a leading `'`).
    case text(String)
    /// A whole number, in decimal.
    case integer(Int64)
    /// An exact decimal number, with `.` as separator.
    case decimal(Decimal)
    /// `true` or `false`.
    case boolean(Bool)
    /// An instant: ISO 8601 in UTC with milliseconds, `2026-06-01T10:00:00.000Z`.
    case instant(Date)

    /// A text value.
    public init(stringLiteral value: String) { self = .text(value) }
    /// An integer value.
    public init(integerLiteral value: Int64) { self = .integer(value) }

    /// `.text(value)`, or `.null` for `nil`.
    public static func text(_ value: String?) -> ExportValue { value.map { .text($0) } ?? .null }
}

/// One row of an export: one value per column of the schema, in order.
public struct ExportRow: Sendable, Hashable {
    /// The values, one per column.
    public var values: [ExportValue]

    /// A row; it must have one value per column of the schema it is exported with.
    public init(_ values: [ExportValue]) { self.values = values }
}

/// A column of an export: its name and the category of personal data it holds (G-11, P-6).
public struct ExportColumn: Sendable, Hashable, Codable {
    /// The header: 1 to 64 characters from `A-Z a-z 0-9 _ . -`, starting with a letter or `_`,
    /// so that no header can start a spreadsheet formula or need quoting.
    public var name: String
    /// The category of personal data, or `nil` when the column holds none. A special category
    /// (``DataCategory/isSpecial``) is never exported in clear unless the processing grant
    /// allows it.
    public var category: DataCategory?

    /// A column; `name` is checked by ``ExportSchema/validate()`` (`export.invalid_schema`).
    public init(_ name: String, category: DataCategory? = nil) {
        self.name = name
        self.category = category
    }
}

/// What an export holds: its name, version and columns (G-11). The SDK's schemas are
/// documented in `Documentation/Interoperability.md`, "Exports".
public struct ExportSchema: Sendable, Hashable, Codable {
    /// The schema's name (`participants`, `winners`, `draw_certificates`).
    public var name: String
    /// Its version; a change of columns changes it.
    public var version: Int
    /// The columns, in order.
    public var columns: [ExportColumn]

    /// A schema; checked by ``validate()``.
    public init(name: String, version: Int, columns: [ExportColumn]) {
        self.name = name
        self.version = version
        self.columns = columns
    }

    /// Checks the names.
    ///
    /// - Throws: `export.invalid_schema` when there is no column or more than 1,000, a name
    ///   breaks the rule of ``ExportColumn/name``, or two columns share a name.
    public func validate() throws {
        guard !columns.isEmpty, columns.count <= 1000, Self.isValidName(name) else {
            throw KimpleError(
                .exportInvalidSchema, "An export schema has a valid name and 1 to 1,000 columns.",
                context: ["schema": String(name.prefix(64))])
        }
        var seen = Set<String>()
        for column in columns {
            guard Self.isValidName(column.name) else {
                throw KimpleError(
                    .exportInvalidSchema,
                    "A column name is 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or '_'.",
                    context: ["column": String(column.name.prefix(64))])
            }
            guard seen.insert(column.name).inserted else {
                throw KimpleError(
                    .exportInvalidSchema, "Two columns share a name.", context: ["column": column.name])
            }
        }
    }

    static func isValidName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        func isLetter(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) }
        guard let first = utf8.first, utf8.count <= 64, isLetter(first) || first == 95 else { return false }
        return utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 46 || $0 == 45 }
    }

    // MARK: - The SDK's schemas

    /// The leading columns of ``participants(fields:)``.
    public static let participantColumns: [ExportColumn] = [
        ExportColumn("operation_id"),
        ExportColumn("entry_id", category: .participation),
        ExportColumn("entered_at", category: .participation),
    ]

    /// Participants (version 1): `operation_id`, `entry_id`, `entered_at`, then one column per
    /// form field in the form's order, with the field's category.
    ///
    /// - Throws: `export.invalid_schema` when a field's name breaks the column rules or repeats
    ///   a leading column.
    public static func participants(fields: [ExportColumn]) throws -> ExportSchema {
        let schema = ExportSchema(name: "participants", version: 1, columns: participantColumns + fields)
        try schema.validate()
        return schema
    }

    /// The leading columns of ``winners(extraFields:)``.
    public static let winnerColumns: [ExportColumn] = [
        ExportColumn("operation_id"),
        ExportColumn("source"),
        ExportColumn("place"),
        ExportColumn("status"),
        ExportColumn("entry_id", category: .participation),
        ExportColumn("person_key", category: .participation),
        ExportColumn("prize"),
        ExportColumn("decided_at"),
        ExportColumn("note"),
    ]

    /// Winners (version 1): `operation_id`, `source` (`draw`, `instant_win`, `quiz`, `contest`,
    /// `vote`), `place`, `status` (`winner`, `reserve`, `disqualified`), `entry_id`,
    /// `person_key`, `prize`, `decided_at`, `note`; then `extraFields` (contact details joined
    /// from the participations, say).
    ///
    /// - Throws: `export.invalid_schema` when an extra field breaks the column rules or repeats
    ///   a leading column.
    public static func winners(extraFields: [ExportColumn] = []) throws -> ExportSchema {
        let schema = ExportSchema(name: "winners", version: 1, columns: winnerColumns + extraFields)
        try schema.validate()
        return schema
    }

    /// Draw certificates (version 1), one row per certificate; the certificate's full JSON is
    /// ``DrawCertificate/jsonData(pretty:)``.
    public static let drawCertificates = ExportSchema(
        name: "draw_certificates", version: 1,
        columns: [
            ExportColumn("operation_id"),
            ExportColumn("algorithm"),
            ExportColumn("method"),
            ExportColumn("rules_document_sha256"),
            ExportColumn("commitment_kind"),
            ExportColumn("commitment"),
            ExportColumn("committed_at"),
            ExportColumn("closes_at"),
            ExportColumn("seed"),
            ExportColumn("entry_list_sha256"),
            ExportColumn("entry_count"),
            ExportColumn("frozen_at"),
            ExportColumn("drawn_at"),
            ExportColumn("winners", category: .participation),
            ExportColumn("reserves", category: .participation),
            ExportColumn("replacements"),
            ExportColumn("certificate_sha256"),
        ])
}
