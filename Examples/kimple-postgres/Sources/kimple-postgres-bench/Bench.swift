// The PostgreSQL case of the intake bench: the root bench's workload (KimpleTesting's
// IntakeWorkload: 10 % duplicates, 1 % robots, four fields and two consents) through the whole
// intake pipeline into a PostgresParticipationStore, with 8 submitters x 32 in flight.
//
// Usage: kimple-postgres-bench SOCKET_PATH USER SCHEMA COUNT [PART PARTS]
// With PART and PARTS, this process submits the stream's submissions i with i % PARTS == PART
// (run PARTS processes at once on one schema for the several-processes figure).

import Foundation
import Kimple
import KimplePostgres
import KimpleTesting
import PostgresNIO

@main
struct Bench {
    static func main() async {
        let arguments = CommandLine.arguments
        guard arguments.count == 5 || arguments.count == 7, let count = Int(arguments[4]),
            (1...2_000_000).contains(count)
        else {
            FileHandle.standardError.write(
                Data("usage: kimple-postgres-bench SOCKET USER SCHEMA COUNT [PART PARTS]\n".utf8))
            exit(2)
        }
        var part = 0
        var parts = 1
        if arguments.count == 7 {
            guard let p = Int(arguments[5]), let n = Int(arguments[6]), (1...64).contains(n), (0..<n).contains(p) else {
                FileHandle.standardError.write(Data("PART must be in 0..<PARTS, PARTS in 1...64\n".utf8))
                exit(2)
            }
            (part, parts) = (p, n)
        }
        do {
            try await run(
                socket: arguments[1], user: arguments[2], schema: arguments[3], count: count, part: part, parts: parts)
        } catch {
            FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(socket: String, user: String, schema: String, count: Int, part: Int, parts: Int) async throws {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socket, username: user, password: nil, database: "postgres")
        configuration.options.maximumConnections = 32
        let storage = try await PostgresStorage.connect(configuration, schema: schema)
        let tenant: TenantID = "bench"
        let participations = try await storage.participationStore(storage.tenant(tenant), clock: SystemClock())
        let intake = try await IntakeWorkload.intake(tenant: tenant, participations: participations)
        let pool = IntakeWorkload.make(count: count)
        let mine = pool.submissions.indices.filter { $0 % parts == part }.map { pool.submissions[$0] }
        let tasks = 8 * 32
        let clock = ContinuousClock()
        let start = clock.now
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var accepted = 0
                    var index = task
                    while index < mine.count {
                        if try await intake.submit(mine[index]).isAccepted { accepted += 1 }
                        index += tasks
                    }
                    return accepted
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try await storage.close()
        print(
            "intake postgres, 8 x 32 in flight, part \(part + 1)/\(parts): \(mine.count) submissions, \(accepted) accepted "
                + "in \(String(format: "%.2f", seconds)) s = \(Int(Double(mine.count) / seconds)) submissions/s, "
                + "\(Int(Double(accepted) / seconds)) accepted/s")
    }
}
