import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What to do with special-category columns (GDPR art. 9 and 10) in an export (P-6).
public enum SpecialCategoryTreatment: Sendable {
    /// Leave them out (the default): their categories are not even asked for.
    case drop
    /// Replace each value by the lowercase hex HMAC-SHA256 of its text under `key`: equal
    /// values stay equal, the value itself is not readable without the key.
    case pseudonymise(HMACSHA256Key)
    /// Export them as they are, only if the processing grant allows special categories in
    /// clear; otherwise the export is refused before anything is written.
    case inClear

    var name: String {
        switch self {
        case .drop: "drop"
        case .pseudonymise: "pseudonymise"
        case .inClear: "in-clear"
        }
    }
}

/// One export to run: what, in which format, for whom, under which instruction (G-11).
public struct ExportRequest: Sendable {
    /// The columns.
    public var schema: ExportSchema
    /// CSV or JSON Lines.
    public var format: ExportFormat
    /// The operation exported, or `nil` for a tenant-wide export.
    public var operation: OperationID?
    /// Who exports.
    public var principal: Principal
    /// The controller's instruction the export acts under (P-1).
    public var instruction: InstructionID
    /// Where the data goes when it leaves the SDK (P-8), if known.
    public var destination: TransferDestination?
    /// What happens to special-category columns.
    public var specialCategories: SpecialCategoryTreatment

    /// A request; special-category columns are dropped unless `specialCategories` says otherwise, and
    /// `destination` is `nil` when the output stays with the controller inside the EU.
    public init(
        schema: ExportSchema, format: ExportFormat, operation: OperationID?, principal: Principal,
        instruction: InstructionID, destination: TransferDestination? = nil,
        specialCategories: SpecialCategoryTreatment = .drop
    ) {
        self.schema = schema
        self.format = format
        self.operation = operation
        self.principal = principal
        self.instruction = instruction
        self.destination = destination
        self.specialCategories = specialCategories
    }
}

/// What an export wrote: the figures recorded in the evidence log (G-11, K-5).
public struct ExportReceipt: Sendable, Hashable, Codable {
    /// The schema's name and version.
    public var schema: String
    /// The schema's version (see ``ExportSchema/version``); a reader picks its parser on it.
    public var schemaVersion: Int
    /// `csv` or `jsonl`.
    public var format: ExportFormat
    /// The operation, if any.
    public var operation: OperationID?
    /// The columns written, in order.
    public var columns: [String]
    /// Special-category columns left out.
    public var droppedColumns: [String]
    /// Special-category columns pseudonymised.
    public var pseudonymisedColumns: [String]
    /// Data rows written (the CSV header is not a row).
    public var rows: Int
    /// Bytes written.
    public var bytes: Int
    /// SHA-256 of every byte written, in order.
    public var sha256: SHA256Digest
    /// When the export finished.
    public var exportedAt: Date
    /// Who exported.
    public var principal: Principal
    /// The instruction relied on and its version.
    public var instruction: InstructionID
    /// The version of ``instruction`` in force when the export was granted.
    public var instructionVersion: Int
    /// The largest chunk handed to the sink, in bytes: memory stayed within it.
    public var largestChunk: Int
}

/// Streams participants, winners and certificates out of the SDK as CSV or JSON Lines (G-11).
///
/// Every export first passes the ``ProcessingGate`` (purpose `export`, the categories of the
/// columns, the destination), then streams the rows through the sink in chunks of about
/// 64 KiB — memory stays flat whatever the number of rows — and is written to the evidence
/// log with who exported what, when, and the SHA-256 of the output. A failed export is
/// recorded too (`games.export.failed`), with what was written before the failure.
public struct ExportService: Sendable {
    /// The size of the chunks handed to sinks.
    public static let chunkSize = 64 << 10

    /// The tenant whose data is exported.
    public let tenant: TenantID
    private let gate: any ProcessingGate
    private let evidence: EvidenceLog
    private let clock: any Clock

    /// A service for `tenant`, authorising through `gate` and recording to `evidence`.
    public init(tenant: TenantID, gate: any ProcessingGate, evidence: EvidenceLog, clock: any Clock) {
        self.tenant = tenant
        self.gate = gate
        self.evidence = evidence
        self.clock = clock
    }

    /// Exports `rows` under `request` into `sink`; returns what was written.
    ///
    /// `rows` is any asynchronous sequence: rows computed on the fly (``SequenceExportRows``),
    /// a store's reader... Each row holds one value per schema column. A source that reads
    /// pages should prefer ``export(_:pages:to:)``, which avoids one suspension per row.
    ///
    /// - Throws: `export.invalid_schema` for a bad schema; the gate's `privacy.` errors;
    ///   `export.special_category_not_allowed` when special categories are asked in clear and
    ///   the grant does not allow it (nothing written in these cases); `export.invalid_row` for
    ///   a row of the wrong size, what `rows` or `sink` throw (the sink then holds a partial
    ///   output, never finished, and the failure is recorded); the evidence log's errors.
    @discardableResult
    public func export<Rows: AsyncSequence>(
        _ request: ExportRequest, rows: Rows, to sink: some ExportSink
    ) async throws -> ExportReceipt where Rows.Element == ExportRow {
        let run = try await start(request)
        do {
            run.encoder.encodeHeader()
            for try await row in rows {
                try run.add(row)
                if run.encoder.buffer.count >= Self.chunkSize { try await run.flush(sink) }
            }
            try await run.flush(sink)
            try await sink.finish()
        } catch {
            try await failed(run, error)
        }
        return try await completed(run)
    }

    /// Exports `pages` (each an array of rows, in order) under `request` into `sink`: the same
    /// as ``export(_:rows:to:)`` for a source that reads a store page by page
    /// (``PagedExportRows/pages``). Memory holds one page and one chunk.
    ///
    /// - Throws: what ``export(_:rows:to:)`` throws.
    @discardableResult
    public func export<Pages: AsyncSequence>(
        _ request: ExportRequest, pages: Pages, to sink: some ExportSink
    ) async throws -> ExportReceipt where Pages.Element == [ExportRow] {
        let run = try await start(request)
        do {
            run.encoder.encodeHeader()
            for try await page in pages {
                for row in page {
                    try run.add(row)
                    if run.encoder.buffer.count >= Self.chunkSize { try await run.flush(sink) }
                }
            }
            try await run.flush(sink)
            try await sink.finish()
        } catch {
            try await failed(run, error)
        }
        return try await completed(run)
    }

    /// The state of one export under way.
    private final class Run {
        let request: ExportRequest
        let subject: String
        let grant: ProcessingGrant
        let dropped: [String]
        let pseudonymised: [String]
        var encoder: ExportEncoder
        var hasher = SHA256()
        var bytes = 0
        var rows = 0
        var largestChunk = 0

        init(
            request: ExportRequest, subject: String, grant: ProcessingGrant, dropped: [String], pseudonymised: [String],
            encoder: ExportEncoder
        ) {
            self.request = request
            self.subject = subject
            self.grant = grant
            self.dropped = dropped
            self.pseudonymised = pseudonymised
            self.encoder = encoder
        }

        func add(_ row: ExportRow) throws {
            rows += 1
            try encoder.encode(row, number: rows)
        }

        func flush(_ sink: some ExportSink) async throws {
            let chunk = encoder.take()
            guard !chunk.isEmpty else { return }
            hasher.update(chunk)
            bytes += chunk.count
            largestChunk = max(largestChunk, chunk.count)
            try await sink.write(chunk)
        }
    }

    /// Validates `request`, authorises it and plans its columns. Writes nothing.
    private func start(_ request: ExportRequest) async throws -> Run {
        try request.schema.validate()
        var plan: [ExportEncoder.Treatment?] = []
        var categories = Set<DataCategory>()
        var dropped: [String] = []
        var pseudonymised: [String] = []
        var key: HMACSHA256Key?
        for column in request.schema.columns {
            guard let category = column.category else {
                plan.append(.clear)
                continue
            }
            guard category.isSpecial else {
                plan.append(.clear)
                categories.insert(category)
                continue
            }
            switch request.specialCategories {
            case .drop:
                plan.append(nil)
                dropped.append(column.name)
            case .pseudonymise(let secret):
                plan.append(.pseudonymise)
                pseudonymised.append(column.name)
                categories.insert(category)
                key = secret
            case .inClear:
                plan.append(.clear)
                categories.insert(category)
            }
        }
        guard plan.contains(where: { $0 != nil }) else {
            throw KimpleError(
                .exportInvalidSchema, "Every column of this export would be dropped; nothing is left to export.",
                context: ["schema": request.schema.name])
        }
        let subject = request.operation.map { "operation:\($0.rawValue)" } ?? "tenant:\(tenant.rawValue)"
        let grant = try await gate.authorize(
            ProcessingRequest(
                tenant: tenant, instruction: request.instruction, purpose: .export, categories: categories,
                principal: request.principal, subject: subject, destination: request.destination))
        if case .inClear = request.specialCategories, categories.contains(where: \.isSpecial),
            !grant.allowsSpecialCategoriesInClear
        {
            throw KimpleError(
                .exportSpecialCategoryNotAllowed,
                "The instruction does not allow special-category data in clear; drop or pseudonymise those columns.",
                context: ["schema": request.schema.name])
        }
        return Run(
            request: request, subject: subject, grant: grant, dropped: dropped, pseudonymised: pseudonymised,
            encoder: ExportEncoder(
                format: request.format, schema: request.schema, plan: plan, key: key, chunkSize: Self.chunkSize))
    }

    /// Records a failed export and rethrows its error.
    private func failed(_ run: Run, _ error: any Error) async throws -> Never {
        let request = run.request
        let code = (error as? KimpleError)?.code.rawValue ?? "unexpected"
        try await evidence.record(
            request.principal, action: "games.export.failed", subject: run.subject,
            details:
                "\(request.schema.name) v\(request.schema.version) \(request.format.rawValue) stopped after \(run.rows) row(s), \(run.bytes) byte(s) (sha256 \(run.hasher.finalize().hex)): \(code)"
        )
        throw error
    }

    /// Records a completed export and returns its receipt.
    private func completed(_ run: Run) async throws -> ExportReceipt {
        let request = run.request
        let receipt = ExportReceipt(
            schema: request.schema.name, schemaVersion: request.schema.version, format: request.format,
            operation: request.operation, columns: run.encoder.writtenColumns, droppedColumns: run.dropped,
            pseudonymisedColumns: run.pseudonymised, rows: run.rows, bytes: run.bytes, sha256: run.hasher.finalize(),
            exportedAt: GamesTime.truncatedToMillisecond(clock.now), principal: request.principal,
            instruction: run.grant.instruction, instructionVersion: run.grant.instructionVersion,
            largestChunk: run.largestChunk)
        try await evidence.record(
            request.principal, action: "games.export", subject: run.subject,
            details:
                "\(receipt.schema) v\(receipt.schemaVersion) \(receipt.format.rawValue): \(receipt.rows) row(s), \(receipt.bytes) byte(s), sha256 \(receipt.sha256.hex); special categories: \(request.specialCategories.name)",
            payloadDigest: receipt.sha256)
        return receipt
    }

    /// Exports a frozen draw entry list in its canonical form (``FrozenEntryList``), the file a
    /// partner checks a draw certificate against with `Documentation/verify_draw.py`.
    ///
    /// - Throws: the gate's `privacy.` errors (purpose `export`, category `participation`);
    ///   what `sink` throws (the failure is then recorded); the evidence log's errors.
    @discardableResult
    public func exportEntryList(
        _ list: FrozenEntryList, operation: OperationID, to sink: some ExportSink, by principal: Principal,
        instruction: InstructionID, destination: TransferDestination? = nil
    ) async throws -> SHA256Digest {
        let subject = "operation:\(operation.rawValue)"
        _ = try await gate.authorize(
            ProcessingRequest(
                tenant: tenant, instruction: instruction, purpose: .export, categories: [.participation],
                principal: principal, subject: subject, destination: destination))
        var bytes = 0
        do {
            let buffer = ByteBuffer(capacity: Self.chunkSize + 1024)
            buffer.append(FrozenEntryList.header)
            buffer.append(0x0A)
            for entry in list.entries {
                FrozenEntryList.appendLine(entry, to: buffer)
                if buffer.count >= Self.chunkSize {
                    let chunk = buffer.take()
                    try await sink.write(chunk)
                    bytes += chunk.count
                }
            }
            let last = buffer.take()
            try await sink.write(last)
            bytes += last.count
            try await sink.finish()
        } catch {
            try await evidence.record(
                principal, action: "games.export.failed", subject: subject,
                details: "draw entry list \(list.sha256.hex) stopped after \(bytes) byte(s)")
            throw error
        }
        try await evidence.record(
            principal, action: "games.export", subject: subject,
            details: "draw entry list: \(list.count) entries, \(bytes) byte(s), sha256 \(list.sha256.hex)")
        return list.sha256
    }
}

/// An asynchronous sequence of rows over any (lazy) sequence: rows computed on the fly, a
/// certificate's rows, an array.
public struct SequenceExportRows<Base: Sequence>: AsyncSequence where Base.Element == ExportRow {
    /// Each element is one row.
    public typealias Element = ExportRow
    private let base: Base

    /// Rows taken from `base`, one at a time, as the export asks for them.
    public init(_ base: Base) { self.base = base }

    /// Iterates over the base sequence; never suspends, never throws.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        /// The base sequence's next row, or `nil` at its end.
        public mutating func next() async -> ExportRow? { iterator.next() }
    }

    /// An iterator from the start of the base sequence.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}

extension SequenceExportRows: Sendable where Base: Sendable {}

/// An asynchronous sequence of rows read page by page from a store: `fetch` gets a cursor
/// and returns a page of rows and the next cursor (`nil` after the last page). Memory holds
/// one page at a time.
public struct PagedExportRows<Cursor: Sendable>: AsyncSequence, Sendable {
    /// Each element is one row.
    public typealias Element = ExportRow
    private let start: Cursor
    private let fetch: @Sendable (Cursor) async throws -> (rows: [ExportRow], next: Cursor?)

    /// Pages from `start` on.
    public init(start: Cursor, fetch: @escaping @Sendable (Cursor) async throws -> (rows: [ExportRow], next: Cursor?)) {
        self.start = start
        self.fetch = fetch
    }

    /// Fetches a page when the previous one is used up; holds one page in memory.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var cursor: Cursor?
        let fetch: @Sendable (Cursor) async throws -> (rows: [ExportRow], next: Cursor?)
        var page: [ExportRow] = []
        var position = 0

        /// The next row, fetching pages as needed; `nil` after the last page. Rethrows what `fetch` throws.
        public mutating func next() async throws -> ExportRow? {
            while position == page.count {
                guard let current = cursor else { return nil }
                let (rows, next) = try await fetch(current)
                page = rows
                position = 0
                cursor = next
            }
            defer { position += 1 }
            return page[position]
        }
    }

    /// An iterator starting with the page at `start`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: start, fetch: fetch) }

    /// The same source as a sequence of pages, for ``ExportService/export(_:pages:to:)``.
    public var pages: Pages { Pages(start: start, fetch: fetch) }

    /// The pages of a ``PagedExportRows``, in order; empty pages are skipped.
    public struct Pages: AsyncSequence, Sendable {
        /// Each element is one non-empty page of rows.
        public typealias Element = [ExportRow]
        let start: Cursor
        let fetch: @Sendable (Cursor) async throws -> (rows: [ExportRow], next: Cursor?)

        /// Fetches one page per call, skipping empty pages.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var cursor: Cursor?
            let fetch: @Sendable (Cursor) async throws -> (rows: [ExportRow], next: Cursor?)

            /// The next non-empty page, or `nil` after the last one. Rethrows what `fetch` throws.
            public mutating func next() async throws -> [ExportRow]? {
                while let current = cursor {
                    let (rows, next) = try await fetch(current)
                    cursor = next
                    if !rows.isEmpty { return rows }
                }
                return nil
            }
        }

        /// An iterator starting with the page at `start`.
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: start, fetch: fetch) }
    }
}
