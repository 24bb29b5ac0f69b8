import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The rows of the `participants` export schema (version 1, G-11) read from the participations
/// the intake stored, page by page.
///
/// One row per stored entry, in the store's order: `operation_id`, `entry_id`, `entered_at`,
/// then one column per field of the operation's form, in the form's order, named after the
/// field and carrying its data category (so that special categories are dropped, pseudonymised
/// or refused by ``ExportService``, P-6). A checkbox is a boolean, every other field its
/// normalised text; a field left empty is `null`. Consents are not form fields and are not
/// exported by this schema.
public enum ParticipantRows {
    /// Where a read of the store resumes: after the entry with sequence `after`, or at the
    /// start when `nil`.
    public struct Cursor: Sendable, Hashable {
        /// The sequence of the last entry read, or `nil` before the first page.
        public var after: UInt64?

        /// A cursor after `after` (`nil`: the start).
        public init(after: UInt64?) { self.after = after }
    }

    /// The largest page read at once.
    public static let maximumPageSize = 100_000

    /// The schema of `operation`'s participants: ``ExportSchema/participants(fields:)`` with one
    /// column per form field.
    ///
    /// - Throws: `export.invalid_schema` when a field's name repeats a leading column
    ///   (`operation_id`, `entry_id`, `entered_at`).
    public static func schema(for operation: Operation) throws -> ExportSchema {
        try ExportSchema.participants(
            fields: operation.form.fields.map { ExportColumn($0.name, category: $0.category) })
    }

    /// The row of `entry`, a participation in `operation`.
    public static func row(_ entry: ParticipationEntry, of operation: Operation) -> ExportRow {
        var values: [ExportValue] = [
            .text(operation.id.rawValue), .text(entry.id.rawValue), .instant(entry.receivedAt),
        ]
        values.reserveCapacity(3 + operation.form.fields.count)
        for field in operation.form.fields {
            guard let value = entry[field: field.name] else {
                values.append(.null)
                continue
            }
            values.append(field.type == .checkbox ? .boolean(value == "true") : .text(value))
        }
        return ExportRow(values)
    }

    /// `operation`'s rows read from `store` in pages of `pageSize` entries: each page resumes
    /// the store's read after the last entry of the previous one
    /// (``ParticipationStore/forEachEntry(of:after:_:)``), so memory holds one page.
    ///
    /// Hand ``PagedExportRows/pages`` to ``ExportService/export(_:pages:to:)``, or use
    /// ``ExportService/exportParticipants(of:from:format:by:destination:specialCategories:pageSize:to:)``.
    ///
    /// - Throws: `core.invalid_argument` when `pageSize` is not 1 to ``maximumPageSize``.
    public static func pages(
        of operation: Operation, in store: any ParticipationStore, pageSize: Int = 1_000
    ) throws -> PagedExportRows<Cursor> {
        guard (1...maximumPageSize).contains(pageSize) else {
            throw KimpleError(
                .invalidArgument, "A page holds 1 to \(maximumPageSize) entries.",
                context: ["pageSize": String(pageSize)])
        }
        let id = operation.id
        return PagedExportRows(start: Cursor(after: nil)) { cursor in
            var rows: [ExportRow] = []
            rows.reserveCapacity(pageSize)
            var last: UInt64?
            if let after = cursor.after {
                try await store.forEachEntry(of: id, after: after) { (entry: ParticipationEntry) -> Bool in
                    rows.append(row(entry, of: operation))
                    last = entry.sequence
                    return rows.count < pageSize
                }
            } else {
                try await store.forEachEntry(of: id) { (entry: ParticipationEntry) -> Bool in
                    rows.append(row(entry, of: operation))
                    last = entry.sequence
                    return rows.count < pageSize
                }
            }
            guard rows.count == pageSize, let last else { return (rows, nil) }
            return (rows, Cursor(after: last))
        }
    }
}

extension ExportService {
    /// Exports the participants of `operation` stored in `store` (schema `participants`,
    /// ``ParticipantRows``), read page by page, under the operation's instruction (P-1): the
    /// gate is asked first (purpose `export`, the columns' categories, `destination`), the rows
    /// stream to `sink`, and the export is written to the evidence log (`games.export`, or
    /// `games.export.failed`), as ``export(_:pages:to:)`` does.
    ///
    /// - Throws: `core.invalid_argument` when the operation or the store belongs to another
    ///   tenant than the service's (K-1), or for a bad `pageSize` (nothing written, nothing
    ///   recorded); what ``ParticipantRows/schema(for:)`` and ``export(_:pages:to:)`` throw.
    @discardableResult
    public func exportParticipants(
        of operation: Operation, from store: any ParticipationStore, format: ExportFormat, by principal: Principal,
        destination: TransferDestination? = nil, specialCategories: SpecialCategoryTreatment = .drop,
        pageSize: Int = 1_000, to sink: some ExportSink
    ) async throws -> ExportReceipt {
        guard operation.tenant == tenant, store.tenant == tenant else {
            throw KimpleError(
                .invalidArgument, "An export reads the participations of the service's own tenant (K-1).",
                context: [
                    "tenant": tenant.rawValue, "operationTenant": operation.tenant.rawValue,
                    "storeTenant": store.tenant.rawValue,
                ])
        }
        let request = ExportRequest(
            schema: try ParticipantRows.schema(for: operation), format: format, operation: operation.id,
            principal: principal, instruction: operation.instruction, destination: destination,
            specialCategories: specialCategories)
        let rows = try ParticipantRows.pages(of: operation, in: store, pageSize: pageSize)
        return try await export(request, pages: rows.pages, to: sink)
    }
}
