import Foundation
import Kimple
import KimpleCore
import KimplePostgres
import PostgresNIO

/// The throwaway server `test.sh` started: its socket, user and `pg_ctl`. A test that needs it and
/// cannot find it fails (`core.invalid_argument`), it never skips.
enum TestServer {
    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw KimpleError(
                .invalidArgument, "\(name) is not set: run these tests through Examples/kimple-postgres/test.sh.")
        }
        return value
    }

    /// The path of the server's socket.
    static func socketPath() throws -> String {
        try environment("KIMPLE_PG_SOCKET_DIR") + "/.s.PGSQL." + environment("KIMPLE_PG_PORT")
    }

    /// The client configuration of the test server, with at most `connections` connections.
    static func configuration(connections: Int = 8) throws -> PostgresClient.Configuration {
        let directory = try environment("KIMPLE_PG_SOCKET_DIR")
        let port = try environment("KIMPLE_PG_PORT")
        var configuration = PostgresClient.Configuration(
            unixSocketPath: directory + "/.s.PGSQL." + port, username: try environment("KIMPLE_PG_USER"),
            password: nil, database: "postgres")
        configuration.options.maximumConnections = connections
        configuration.options.connectionIdleTimeout = .seconds(5)
        return configuration
    }

    /// A new, empty schema on the test server.
    static func freshSchema() -> String {
        "t" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// A storage on a new, empty schema.
    static func fresh(connections: Int = 4, deadline: Duration = .seconds(10)) async throws -> PostgresStorage {
        try await PostgresStorage.connect(
            try configuration(connections: connections), schema: freshSchema(), statementDeadline: deadline)
    }

    /// Closes `backend` and connects again to its schema (a host restart).
    static func reopen(_ backend: any KimpleBackend) async throws -> any KimpleBackend {
        guard let storage = backend as? PostgresStorage else {
            throw KimpleError(.invalidArgument, "Not a PostgresStorage.")
        }
        try await storage.close()
        return try await PostgresStorage.connect(try configuration(connections: 4), schema: storage.schema)
    }

    /// Runs the cluster's `pg_ctl` with `arguments` and waits for it (posix_spawn and waitpid:
    /// the wrapper changes user, and its end must be reaped here); throws unless it exits 0.
    static func pgCtl(_ arguments: [String]) throws {
        let path = try environment("KIMPLE_PG_CTL")
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, path, nil, nil, argv, environ)
        guard spawned == 0 else { throw KimpleError(.storageIO, "pg_ctl could not be started (\(spawned)).") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        guard status == 0 else {
            throw KimpleError(.storageIO, "pg_ctl \(arguments.joined(separator: " ")) failed (\(status)).")
        }
    }
}
