// A host process of the several-instances and kill tests (K-9): it opens its own pool on a shared
// schema and submits, with many calls in flight, one entry per person to the once-per-day game
// `daily`, an instant-win claim for each accepted entry on `instant`, and an evidence entry.
//
// Usage: kimple-postgres-child SOCKET_PATH USER SCHEMA TENANT PERSONS IN_FLIGHT
// Prints `ack <entry id> <person>` once an entry is acknowledged (durable), `win <entry id> <moment>` for an
// award, `err <code> <person>` for a typed error, and `done <accepted> <awards> <errors>` at the end.

import Foundation
import Kimple
import KimplePostgres
import PostgresNIO
import Synchronization

@main
struct Child {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 7, let persons = Int(arguments[5]), (1...1_000_000).contains(persons),
            let inFlight = Int(arguments[6]), (1...256).contains(inFlight),
            let tenant = TenantID(rawValue: arguments[4])
        else {
            FileHandle.standardError.write(
                Data("usage: kimple-postgres-child SOCKET USER SCHEMA TENANT PERSONS IN_FLIGHT\n".utf8))
            exit(2)
        }
        do {
            try await run(
                socket: arguments[1], user: arguments[2], schema: arguments[3], tenant: tenant, persons: persons,
                inFlight: inFlight)
        } catch {
            FileHandle.standardError.write(Data("child failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func run(
        socket: String, user: String, schema: String, tenant: TenantID, persons: Int, inFlight: Int
    ) async throws {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socket, username: user, password: nil, database: "postgres")
        configuration.options.maximumConnections = 8
        let storage = try await PostgresStorage.connect(configuration, schema: schema)
        let handle = storage.tenant(tenant)
        let clock = SystemClock()
        let participations = try await storage.participationStore(handle, clock: clock)
        let ledger = try await storage.instantWinLedger(handle)
        let evidence = try await EvidenceLog.open(handle, clock: clock)
        let next = Ticket()
        let totals = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var (accepted, awards, errors) = (0, 0, 0)
                    while true {
                        let person = next.take()
                        guard person < persons else { return (accepted, awards, errors) }
                        do {
                            let identity = IdentityKey(high: 7, low: UInt64(person))
                            let draft = EntryDraft(
                                operation: "daily", identity: identity, period: 20_000, receivedAt: clock.now,
                                fields: [EntryField(name: "email", value: "p\(person)@example.com", category: .email)],
                                consents: ["rules"])
                            guard
                                case .inserted(let entry) = try await participations.insert(draft, maximumPerPeriod: 1)
                            else { continue }
                            accepted += 1
                            say("ack \(entry.id.rawValue) \(person)")
                            let claim = InstantWinClaim(
                                operation: "instant", personKey: identity.description, entryID: entry.id.rawValue,
                                at: clock.now)
                            if let award = try await ledger.claim(claim) {
                                awards += 1
                                say("win \(entry.id.rawValue) \(award.momentIndex)")
                            }
                            try await evidence.record(
                                .host("child"), action: "participation.accepted", subject: entry.id.rawValue)
                        } catch let error as KimpleError {
                            errors += 1
                            say("err \(error.code.rawValue) \(person)")
                        }
                    }
                }
            }
            var totals = (0, 0, 0)
            for try await (accepted, awards, errors) in group {
                totals = (totals.0 + accepted, totals.1 + awards, totals.2 + errors)
            }
            return totals
        }
        try await storage.close()
        say("done \(totals.0) \(totals.1) \(totals.2)")
    }
}

/// Hands out 0, 1, 2... to the concurrent submitters.
final class Ticket: Sendable {
    private let next = Mutex(0)

    func take() -> Int {
        next.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
