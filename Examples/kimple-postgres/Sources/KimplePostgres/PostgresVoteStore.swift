import KimpleCore
import KimpleGames
import PostgresNIO

/// A ``KimpleGames/VoteStore`` in the `votes` table (G-21, K-1, K-9): a vote is an
/// insert-if-absent on its primary key (tenant, operation, candidate, person, period), so of any
/// number of concurrent casts of one key, from any process, exactly one is counted.
final class PostgresVoteStore: VoteStore {
    private let storage: PostgresStorage
    private let tenant: String

    init(storage: PostgresStorage, tenant: TenantID) {
        self.storage = storage
        self.tenant = tenant.rawValue
    }

    func cast(_ ballot: Ballot) async throws -> Bool {
        try ballot.validate()
        let votes = storage.table("votes")
        let (tenant, logger) = (self.tenant, storage.logger)
        return try await storage.transaction("votes.cast") { connection in
            for try await _ in try await connection.query(
                """
                INSERT INTO \(unescaped: votes) (tenant, operation, candidate, person_key, period)
                VALUES (\(tenant), \(ballot.operation.rawValue), \(ballot.candidate), \(ballot.personKey), \(ballot.period))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            {
                return true
            }
            return false
        }
    }

    func tally(_ operation: OperationID) async throws -> [String: Int] {
        let votes = storage.table("votes")
        let (tenant, logger) = (self.tenant, storage.logger)
        return try await storage.run("votes.tally") { connection in
            var counts: [String: Int] = [:]
            for try await (candidate, count) in try await connection.query(
                """
                SELECT candidate, count(*) FROM \(unescaped: votes)
                WHERE tenant = \(tenant) AND operation = \(operation.rawValue) GROUP BY candidate
                """, logger: logger
            ).decode((String, Int64).self) {
                counts[candidate] = Int(count)
            }
            return counts
        }
    }
}
