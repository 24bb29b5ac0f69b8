import KimpleCore
import PostgresNIO

/// The versioned schema of ``PostgresStorage`` (see `Documentation/Interoperability.md`).
///
/// Applied on first open, each migration in the same transaction as its row of
/// `schema_migrations`, under a transaction-scoped advisory lock keyed by the schema's name:
/// two instances starting at once apply each migration exactly once (the second waits, then sees
/// it applied). Re-running is a no-op. A schema migrated by a newer package is refused.
enum PostgresMigrations {
    /// One step of the schema: its version, what it does, its statements (`{s}` is the schema).
    struct Migration {
        let version: Int
        let description: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(
            version: 1, description: "record logs, documents, participations, instant wins, votes",
            statements: [
                """
                CREATE TABLE {s}.record_log_heads (
                    tenant text NOT NULL, name text NOT NULL, next_seq bigint NOT NULL,
                    PRIMARY KEY (tenant, name))
                """,
                """
                CREATE TABLE {s}.record_logs (
                    tenant text NOT NULL, name text NOT NULL, seq bigint NOT NULL, payload bytea NOT NULL,
                    PRIMARY KEY (tenant, name, seq))
                """,
                """
                CREATE TABLE {s}.document_versions (
                    tenant text NOT NULL, store text NOT NULL, last_version bigint NOT NULL,
                    PRIMARY KEY (tenant, store))
                """,
                """
                CREATE TABLE {s}.documents (
                    tenant text NOT NULL, store text NOT NULL, key text COLLATE "C" NOT NULL,
                    version bigint NOT NULL, value bytea NOT NULL,
                    PRIMARY KEY (tenant, store, key))
                """,
                """
                CREATE TABLE {s}.participation_tenants (
                    tenant text PRIMARY KEY, identity_secret_fingerprint bytea)
                """,
                "CREATE SEQUENCE {s}.participation_seq",
                """
                CREATE TABLE {s}.participations (
                    tenant text NOT NULL, seq bigint NOT NULL, operation text NOT NULL,
                    identity bytea NOT NULL, period bigint NOT NULL,
                    received_at timestamptz NOT NULL, received_since_2001 double precision NOT NULL,
                    participant text, host_key text, source text,
                    fields jsonb NOT NULL, consents jsonb NOT NULL,
                    PRIMARY KEY (tenant, seq))
                """,
                "CREATE INDEX participations_by_operation ON {s}.participations (tenant, operation, seq)",
                """
                CREATE TABLE {s}.participation_limits (
                    tenant text NOT NULL, operation text NOT NULL, identity bytea NOT NULL, period bigint NOT NULL,
                    used integer NOT NULL CHECK (used >= 0),
                    PRIMARY KEY (tenant, operation, identity, period))
                """,
                """
                CREATE TABLE {s}.instant_win_schedules (
                    tenant text NOT NULL, operation text NOT NULL, commitment bytea NOT NULL,
                    schedule jsonb NOT NULL, award_count integer NOT NULL DEFAULT 0,
                    PRIMARY KEY (tenant, operation))
                """,
                """
                CREATE TABLE {s}.instant_win_awards (
                    tenant text NOT NULL, operation text NOT NULL, moment_index integer NOT NULL,
                    moment_at_ms bigint NOT NULL, prize text NOT NULL, entry_id text NOT NULL,
                    person_key text NOT NULL, won_at_ms bigint NOT NULL,
                    PRIMARY KEY (tenant, operation, moment_index),
                    UNIQUE (tenant, operation, entry_id))
                """,
                """
                CREATE TABLE {s}.votes (
                    tenant text NOT NULL, operation text NOT NULL, candidate text NOT NULL,
                    person_key text NOT NULL, period text NOT NULL,
                    PRIMARY KEY (tenant, operation, candidate, person_key, period))
                """,
            ])
    ]

    /// The newest version this package knows.
    static var latest: Int { all.map(\.version).max() ?? 0 }

    /// Applies every missing migration of `storage`'s schema (see the type's documentation).
    static func apply(_ storage: PostgresStorage) async throws {
        let schema = storage.schema
        let quoted = "\"\(schema)\""
        try await storage.transaction("migrate") { connection in
            let lockKey = "kimple.migrations." + schema
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: storage.logger)
            try await connection.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: quoted)", logger: storage.logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: quoted).schema_migrations (
                    version integer PRIMARY KEY, description text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: storage.logger)
            var applied = 0
            let rows = try await connection.query(
                "SELECT coalesce(max(version), 0) FROM \(unescaped: quoted).schema_migrations", logger: storage.logger)
            for try await row in rows { applied = Int(try row.decode(Int32.self)) }
            guard applied <= latest else {
                throw KimpleError(
                    .storageUnsupportedFormat,
                    "This schema was migrated by a newer KimplePostgres; upgrade this host before opening it.",
                    context: ["schema": schema, "found": String(applied), "known": String(latest)])
            }
            for migration in all where migration.version > applied {
                for statement in migration.statements {
                    let sql = statement.replacingOccurrences(of: "{s}", with: quoted)
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: storage.logger)
                }
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: quoted).schema_migrations (version, description)
                    VALUES (\(Int32(migration.version)), \(migration.description))
                    """, logger: storage.logger)
            }
        }
    }
}
