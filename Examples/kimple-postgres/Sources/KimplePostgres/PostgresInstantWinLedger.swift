import KimpleCore
import KimpleGames
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An ``KimpleGames/InstantWinLedger`` in `instant_win_schedules` and `instant_win_awards`
/// (G-6, K-1, K-9).
///
/// The decision is the SDK's ``KimpleGames/InstantWinBook``. Each process keeps a copy of an
/// operation's book; a copy can only lack awards made elsewhere, which makes it answer "won"
/// more often, never "not won" wrongly. So a losing claim is answered from the copy, and a
/// winning one is decided again inside a transaction that locks the operation's schedule row
/// (`FOR UPDATE`): if the row's award count moved, the book is read again first. The award row
/// (unique per moment and per entry) and the count are written in that transaction, so a prize
/// unit is awarded once across every process, stock is never exceeded, and the award is durable
/// before the participant is told.
final class PostgresInstantWinLedger: InstantWinLedger {
    private struct Cached {
        var book: InstantWinBook
        var count: Int
    }
    private let storage: PostgresStorage
    private let tenant: String
    private let books = Mutex([OperationID: Cached]())

    init(storage: PostgresStorage, tenant: TenantID) {
        self.storage = storage
        self.tenant = tenant.rawValue
    }

    @discardableResult
    func install(_ schedule: InstantWinSchedule) async throws -> Bool {
        try schedule.validate()
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(schedule), as: UTF8.self)
        } catch {
            throw KimpleError(.invalidArgument, "The schedule does not encode as JSON.")
        }
        let schedules = storage.table("instant_win_schedules")
        let (tenant, logger) = (self.tenant, storage.logger)
        let commitment = ByteBuffer(bytes: schedule.commitment.withUnsafeBytes { Array($0) })
        let operation = schedule.operation.rawValue
        let installed: ByteBuffer? = try await storage.transaction("instant_win.install") { connection in
            for try await _ in try await connection.query(
                """
                INSERT INTO \(unescaped: schedules) (tenant, operation, commitment, schedule)
                VALUES (\(tenant), \(operation), \(commitment), \(json)::jsonb)
                ON CONFLICT (tenant, operation) DO NOTHING RETURNING 1
                """, logger: logger)
            {
                return nil
            }
            var existing: ByteBuffer?
            for try await value in try await connection.query(
                "SELECT commitment FROM \(unescaped: schedules) WHERE tenant = \(tenant) AND operation = \(operation)",
                logger: logger
            ).decode(ByteBuffer.self) {
                existing = value
            }
            return existing ?? ByteBuffer()
        }
        guard let installed else { return true }
        guard installed == commitment else {
            throw KimpleError(
                .instantWinScheduleConflict,
                "Another schedule is installed for this operation; a committed schedule never changes.",
                context: [
                    "operation": operation,
                    "installed": installed.readableBytesView.map {
                        String($0 >> 4, radix: 16) + String($0 & 15, radix: 16)
                    }.joined(),
                ])
        }
        return false
    }

    func claim(_ claim: InstantWinClaim) async throws -> InstantWinAward? {
        try claim.validate()
        let cached = try await cachedBook(claim.operation)
        var book = cached.book
        book.advance(to: claim.atMilliseconds)
        switch book.decide(claim) {
        case .notWon: return nil
        case .alreadyWon(let award): return award
        case .won: break
        }
        let schedules = storage.table("instant_win_schedules")
        let awards = storage.table("instant_win_awards")
        let (tenant, logger) = (self.tenant, storage.logger)
        let operation = claim.operation
        let (fresh, award): (Cached, InstantWinAward?) = try await storage.transaction("instant_win.claim") {
            connection in
            var count = -1
            var schedule: InstantWinSchedule?
            for try await (json, awarded) in try await connection.query(
                """
                SELECT schedule::text, award_count FROM \(unescaped: schedules)
                WHERE tenant = \(tenant) AND operation = \(operation.rawValue) FOR UPDATE
                """, logger: logger
            ).decode((String, Int32).self) {
                schedule = try Self.schedule(json, operation)
                count = Int(awarded)
            }
            guard let schedule else { throw Self.notInstalled(operation) }
            var current = cached
            if count != cached.count {
                current = Cached(
                    book: try await Self.load(schedule, connection, awards, tenant, logger), count: count)
            }
            current.book.advance(to: claim.atMilliseconds)
            switch current.book.decide(claim) {
            case .notWon: return (current, nil)
            case .alreadyWon(let award): return (current, award)
            case .won(let award):
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: awards) (tenant, operation, moment_index, moment_at_ms, prize, entry_id,
                        person_key, won_at_ms)
                    VALUES (\(tenant), \(operation.rawValue), \(Int32(clamping: award.momentIndex)),
                        \(award.momentAtMilliseconds), \(award.prize), \(award.entryID), \(award.personKey),
                        \(award.wonAtMilliseconds))
                    """, logger: logger)
                try await connection.query(
                    """
                    UPDATE \(unescaped: schedules) SET award_count = award_count + 1
                    WHERE tenant = \(tenant) AND operation = \(operation.rawValue)
                    """, logger: logger)
                current.book.record(award)
                current.count += 1
                return (current, award)
            }
        }
        books.withLock { books in
            if (books[operation]?.count ?? -1) < fresh.count { books[operation] = fresh }
        }
        return award
    }

    func schedule(for operation: OperationID) async throws -> InstantWinSchedule? {
        let schedules = storage.table("instant_win_schedules")
        let (tenant, logger) = (self.tenant, storage.logger)
        return try await storage.run("instant_win.schedule") { connection in
            var schedule: InstantWinSchedule?
            for try await json in try await connection.query(
                "SELECT schedule::text FROM \(unescaped: schedules) WHERE tenant = \(tenant) AND operation = \(operation.rawValue)",
                logger: logger
            ).decode(String.self) {
                schedule = try Self.schedule(json, operation)
            }
            return schedule
        }
    }

    func awards(for operation: OperationID) async throws -> [InstantWinAward] {
        try await freshBook(operation).book.awards.values.sorted { $0.momentIndex < $1.momentIndex }
    }

    func report(for operation: OperationID, at instant: Date) async throws -> InstantWinReport {
        InstantWinReport(book: try await freshBook(operation).book, at: instant)
    }

    // MARK: Internals

    private func cachedBook(_ operation: OperationID) async throws -> Cached {
        if let cached = books.withLock({ $0[operation] }) { return cached }
        return try await freshBook(operation)
    }

    /// The book as stored now (schedule, awards and count read in one transaction).
    private func freshBook(_ operation: OperationID) async throws -> Cached {
        let schedules = storage.table("instant_win_schedules")
        let awards = storage.table("instant_win_awards")
        let (tenant, logger) = (self.tenant, storage.logger)
        let fresh: Cached = try await storage.transaction("instant_win.read") { connection in
            var found: (InstantWinSchedule, Int)?
            for try await (json, count) in try await connection.query(
                """
                SELECT schedule::text, award_count FROM \(unescaped: schedules)
                WHERE tenant = \(tenant) AND operation = \(operation.rawValue) FOR SHARE
                """, logger: logger
            ).decode((String, Int32).self) {
                found = (try Self.schedule(json, operation), Int(count))
            }
            guard let (schedule, count) = found else { throw Self.notInstalled(operation) }
            return Cached(book: try await Self.load(schedule, connection, awards, tenant, logger), count: count)
        }
        books.withLock { books in
            if (books[operation]?.count ?? -1) < fresh.count { books[operation] = fresh }
        }
        return fresh
    }

    private static func load(
        _ schedule: InstantWinSchedule, _ connection: PostgresConnection, _ awards: String, _ tenant: String,
        _ logger: Logger
    ) async throws -> InstantWinBook {
        var book = InstantWinBook(schedule: schedule)
        for try await (index, at, prize, entry, person, won) in try await connection.query(
            """
            SELECT moment_index, moment_at_ms, prize, entry_id, person_key, won_at_ms FROM \(unescaped: awards)
            WHERE tenant = \(tenant) AND operation = \(schedule.operation.rawValue) ORDER BY moment_index
            """, logger: logger
        ).decode((Int32, Int64, String, String, String, Int64).self) {
            let award = InstantWinAward(
                operation: schedule.operation, momentIndex: Int(index), momentAtMilliseconds: at, prize: prize,
                entryID: entry, personKey: person, wonAtMilliseconds: won)
            guard book.record(award) else {
                throw KimpleError(
                    .storageCorrupted, "A stored award contradicts the schedule or another award.",
                    context: ["operation": schedule.operation.rawValue, "moment": String(index)])
            }
        }
        return book
    }

    private static func schedule(_ json: String, _ operation: OperationID) throws -> InstantWinSchedule {
        guard let schedule = try? JSONDecoder().decode(InstantWinSchedule.self, from: Data(json.utf8)),
            schedule.operation == operation
        else {
            throw KimpleError(
                .storageCorrupted, "A stored instant-win schedule does not decode.",
                context: ["operation": operation.rawValue])
        }
        return schedule
    }

    private static func notInstalled(_ operation: OperationID) -> KimpleError {
        KimpleError(
            .instantWinNotInstalled,
            "No instant-win schedule is installed for this operation; commit one before it opens.",
            context: ["operation": operation.rawValue])
    }
}
