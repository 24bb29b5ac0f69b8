import Kimple
import KimpleAvailability
import KimpleCore
import KimpleGames
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Kimple SDK's storage seam on PostgreSQL (K-6, K-8, K-9): every store of every tenant in
/// the tables of one schema, shared safely by several host processes.
///
/// Open it once per process with ``connect(_:schema:logger:statementDeadline:)``; it runs the schema's migrations
/// on first open (under an advisory lock, so two instances starting together are safe), then
/// hands out stores per tenant. Every statement names the tenant (K-1). Atomic rules hold in the
/// database, not in the process: the per-person limit is one statement on a counter row, an
/// instant-win award is written under a row lock on its operation, a vote is an insert-if-absent,
/// a log append serialises on the log's head row (one evidence chain per tenant).
///
/// Errors are typed: a lost connection or a server restart gives `storage.io` (the transaction
/// rolled back, nothing half-written); the client's pool reconnects by itself once the server is
/// back, so the same handles resume.
public final class PostgresStorage: KimpleBackend {
    /// The schema holding the tables (validated: lowercase letters, digits, `_`).
    public let schema: String
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    private let closed = Mutex(false)
    private let stores = Mutex([String: Task<any Sendable, any Error>]())

    /// How long a call waits for the server before it answers `storage.io` (10 seconds by default).
    public let statementDeadline: Duration

    private init(
        client: PostgresClient, schema: String, logger: Logger, runner: Task<Void, Never>, deadline: Duration
    ) {
        self.statementDeadline = deadline
        self.client = client
        self.schema = schema
        self.logger = logger
        self.runner = runner
    }

    /// Connects to the server of `configuration`, applies the migrations of `schema` (created if
    /// missing) and returns the storage. The client's pool runs until ``close()``.
    ///
    /// - Throws: `core.invalid_argument` for a schema name that is not 1 to 48 lowercase letters,
    ///   digits or `_` starting with a letter; `storage.io` when the server cannot be reached or a
    ///   migration fails (nothing of a failed migration is applied); `storage.unsupported_format`
    ///   when the schema was migrated by a newer version of this package.
    public static func connect(
        _ configuration: PostgresClient.Configuration, schema: String = "kimple",
        logger: Logger = PostgresStorage.quietLogger, statementDeadline: Duration = .seconds(10)
    ) async throws -> PostgresStorage {
        try validate(schema: schema)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let storage = PostgresStorage(
            client: client, schema: schema, logger: logger, runner: runner,
            deadline: max(.milliseconds(100), min(statementDeadline, .seconds(3_600))))
        do {
            try await PostgresMigrations.apply(storage)
        } catch {
            runner.cancel()
            throw error
        }
        return storage
    }

    /// A logger that reports errors only (the pool's start-up notices are not).
    public static var quietLogger: Logger {
        var logger = Logger(label: "kimple.postgres")
        logger.logLevel = .error
        return logger
    }

    static func validate(schema: String) throws {
        let bytes = Array(schema.utf8)
        guard (1...48).contains(bytes.count), let first = bytes.first,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            bytes.allSatisfy({
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "_")
            })
        else {
            throw KimpleError(
                .invalidArgument, "A schema name is 1 to 48 lowercase letters, digits or _, starting with a letter.",
                context: ["schema": String(schema.prefix(64))])
        }
    }

    /// `name` qualified by the schema, for a statement's text (never a bound value).
    func table(_ name: String) -> String { "\"\(schema)\".\(name)" }

    /// The versions recorded in the schema's `schema_migrations` table, ascending.
    ///
    /// - Throws: `storage.io` when the server cannot be reached.
    public func appliedMigrations() async throws -> [Int] {
        let migrations = table("schema_migrations")
        let logger = self.logger
        return try await run("migrations") { connection in
            var versions: [Int] = []
            for try await version in try await connection.query(
                "SELECT version FROM \(unescaped: migrations) ORDER BY version", logger: logger
            ).decode(Int32.self) {
                versions.append(Int(version))
            }
            return versions
        }
    }

    // MARK: StorageBackend

    /// The log `name` of `tenant`: rows of `record_logs`, appends serialised on the log's row of
    /// `record_log_heads`. The same handle every time.
    public func recordLog(tenant: TenantID, name: StoreName) async throws -> any RecordLog {
        try await cached(tenant, "log:" + name.rawValue) {
            PostgresRecordLog(storage: self, tenant: tenant, name: name.rawValue)
        }
    }

    /// The document store `name` of `tenant`: rows of `documents`, versions from the store's row of
    /// `document_versions`. The same handle every time.
    public func documentStore(tenant: TenantID, name: StoreName) async throws -> any DocumentStore {
        try await cached(tenant, "doc:" + name.rawValue) {
            PostgresDocumentStore(storage: self, tenant: tenant, name: name.rawValue)
        }
    }

    /// Every tenant with at least one stored row, sorted. An administration path (K-1).
    public func tenants() async throws -> [TenantID] {
        try await run("tenants") { connection in
            let rows = try await connection.query(
                """
                SELECT tenant FROM \(unescaped: self.table("record_log_heads"))
                UNION SELECT tenant FROM \(unescaped: self.table("document_versions"))
                UNION SELECT tenant FROM \(unescaped: self.table("participation_tenants"))
                UNION SELECT tenant FROM \(unescaped: self.table("instant_win_schedules"))
                UNION SELECT tenant FROM \(unescaped: self.table("votes"))
                """, logger: self.logger)
            var tenants: [TenantID] = []
            for try await name in rows.decode(String.self) {
                if let tenant = TenantID(rawValue: name) { tenants.append(tenant) }
            }
            return tenants.sorted()
        }
    }

    /// Closes the pool: later calls throw `storage.closed`. Closing twice does nothing more.
    public func close() async throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        stores.withLock { $0 = [:] }
        runner.cancel()
        await runner.value
    }

    /// The store `name` of `tenant` that another module builds on this backend, opened by `make`
    /// once per process (concurrent first requests share the opening). Throws what `make` throws,
    /// or `storage.closed`.
    public func cachedStore<Store: Sendable>(
        _ tenant: TenantID, _ name: StoreName, _ make: @escaping @Sendable () async throws -> Store
    ) async throws -> Store {
        try await cached(tenant, name.rawValue, make)
    }

    private func cached<Store: Sendable>(
        _ tenant: TenantID, _ name: String, _ make: @escaping @Sendable () async throws -> Store
    ) async throws -> Store {
        try checkOpen()
        let key = tenant.rawValue + "\u{0}" + name
        let task = stores.withLock { stores in
            if let task = stores[key] { return task }
            let task = Task<any Sendable, any Error> { try await make() }
            stores[key] = task
            return task
        }
        do {
            guard let store = try await task.value as? Store else {
                throw KimpleError(
                    .invalidArgument, "The store \(name) of \(tenant) was opened with another type.",
                    context: ["tenant": tenant.rawValue, "store": name])
            }
            return store
        } catch {
            stores.withLock { stores in
                if let current = stores[key], current == task { stores[key] = nil }
            }
            throw error
        }
    }

    // MARK: KimpleBackend

    /// A ``PostgresParticipationStore`` (the limit as one statement on a counter row).
    public func participationStore(_ storage: TenantStorage, clock: any Clock) async throws -> any ParticipationStore {
        try await cachedStore(storage.tenant, "participations") {
            PostgresParticipationStore(storage: self, tenant: storage.tenant, clock: clock)
        }
    }

    /// A ``PostgresInstantWinLedger`` (each award written under a row lock on its operation).
    public func instantWinLedger(_ storage: TenantStorage) async throws -> any InstantWinLedger {
        try await cachedStore(storage.tenant, "instant-win") {
            PostgresInstantWinLedger(storage: self, tenant: storage.tenant)
        }
    }

    /// A ``PostgresVoteStore`` (insert-if-absent on the vote's key).
    public func voteStore(_ storage: TenantStorage) async throws -> any VoteStore {
        try await cachedStore(storage.tenant, "votes") { PostgresVoteStore(storage: self, tenant: storage.tenant) }
    }

    // MARK: Running statements

    /// Runs `body` on a pooled connection, for reads only, mapping the client's errors to typed `storage.*` errors.
    func run<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        let client = self.client
        return try await bounded(what) {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch {
                throw Self.mapped(error, what)
            }
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    ///
    /// Every write goes through here, also a single statement: with the extended query protocol
    /// a statement's completion reaches the client before the implicit commit at `Sync`, so a
    /// crash in between would lose a write already reported done. An explicit `COMMIT` answers
    /// only once the commit is durable (under `synchronous_commit = on`).
    func transaction<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        let (client, logger) = (self.client, self.logger)
        return try await bounded(what) {
            do {
                return try await client.withConnection { connection in
                    try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
                }
            } catch {
                throw Self.mapped(error, what)
            }
        }
    }

    /// Runs `work`, but answers `storage.io` after ``statementDeadline`` if it has not finished (a
    /// connection the server dropped without a word, a pool waiting for a server that is down):
    /// the caller always gets an answer, and the work is cancelled (its transaction, if it ever
    /// reaches the server, is rolled back or committed whole).
    private func bounded<T: Sendable>(
        _ what: String, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let deadline = statementDeadline
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let task = Task {
                do {
                    race.finish(.success(try await work()))
                } catch {
                    race.finish(.failure(error))
                }
            }
            race.onTimeout { task.cancel() }
            let timer = Task {
                try? await Task.sleep(for: deadline)
                race.finish(
                    .failure(
                        KimpleError(
                            .storageIO,
                            "The PostgreSQL server did not answer in time; the statement may not have been applied. "
                                + "Retry: the pool reconnects by itself.",
                            context: ["operation": what, "deadline": "\(deadline)"])))
            }
            race.onFinish { timer.cancel() }
        }
    }

    func checkOpen() throws {
        if closed.withLock({ $0 }) {
            throw KimpleError(.storageClosed, "This PostgreSQL storage was closed; connect again.")
        }
    }

    /// `error` as a typed error: a `KimpleError` thrown by the adapter's own code stays as it is.
    static func mapped(_ error: any Error, _ what: String) -> KimpleError {
        if let error = error as? KimpleError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError { return mapped(inner, what) }
            if let inner = error.commitError { return mapped(inner, what) }
            if let inner = error.beginError { return mapped(inner, what) }
        }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? ""
            if state == "53100" {
                return KimpleError(
                    .storageFull, "The PostgreSQL server's disk is full; nothing was written.",
                    context: ["operation": what, "sqlState": state])
            }
            if state == "40001" || state == "40P01" {
                return KimpleError(
                    .storageConflict, "The database aborted the transaction to keep it serialisable; retry.",
                    context: ["operation": what, "sqlState": state])
            }
            return KimpleError(
                .storageIO,
                "The PostgreSQL server could not be reached or refused the statement; nothing was written. "
                    + "The pool reconnects by itself once the server is back: retry.",
                context: [
                    "operation": what, "code": "\(error.code)", "sqlState": state,
                    "message": String((error.serverInfo?[.message] ?? "").prefix(200)),
                ])
        }
        if error is PostgresDecodingError {
            return KimpleError(
                .storageCorrupted, "A stored row does not decode; the table was changed outside the SDK.",
                context: ["operation": what])
        }
        if error is CancellationError {
            return KimpleError(
                .storageIO, "The statement was cancelled; nothing was acknowledged.", context: ["operation": what])
        }
        return KimpleError(
            .storageIO, "The PostgreSQL statement failed; nothing was written.",
            context: ["operation": what, "error": String(String(describing: error).prefix(200))])
    }
}

extension KimpleBackend where Self == PostgresStorage {
    /// The SDK on PostgreSQL: connects with `configuration` and migrates `schema` (see
    /// ``PostgresStorage/connect(_:schema:logger:statementDeadline:)``, whose errors it throws).
    public static func postgres(
        _ configuration: PostgresClient.Configuration, schema: String = "kimple"
    ) async throws -> PostgresStorage {
        try await PostgresStorage.connect(configuration, schema: schema)
    }
}

/// The first of a call's result and its deadline, delivered once.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var done = false
        var cancel: (@Sendable () -> Void)?
        var finished: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func onTimeout(_ cancel: @escaping @Sendable () -> Void) {
        state.withLock { $0.cancel = cancel }
    }

    func onFinish(_ body: @escaping @Sendable () -> Void) {
        let done = state.withLock { state in
            state.finished = body
            return state.done
        }
        if done { body() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cancel) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.done else { return (nil, nil) }
            state.done = true
            defer { state.continuation = nil }
            return (state.continuation, state.cancel)
        }
        guard let continuation else { return }
        if case .failure = result { cancel?() }
        if case .success = result { state.withLock { $0.finished }?() }
        continuation.resume(with: result)
    }
}
