import Foundation
import KimpleCore

/// Bench suite `journal`: the file journal under each durability policy, and reopening.
func runJournalBenchmarks() async throws {
    let payload = Data(repeating: 0x61, count: 200)
    let cases: [(FileJournal.Options.Durability, writers: Int, inFlight: Int, appends: Int)] = [
        (.everyWrite, 1, 1, 5_000), (.everyWrite, 8, 1, 5_000),
        (.grouped, 1, 1, 20_000), (.grouped, 8, 1, 100_000), (.grouped, 8, 32, 400_000),
        (.none, 1, 1, 200_000), (.none, 8, 1, 400_000), (.none, 8, 32, 400_000),
    ]
    print("appends of 200-byte records; each writer awaits each append (in flight = concurrent appends per writer)")
    for (durability, writers, inFlight, appends) in cases {
        try await Bench.inTemporaryDirectory { directory in
            let journal = try FileJournal.open(at: directory, options: .init(durability: durability))
            defer { journal.close() }
            let perTask = appends / (writers * inFlight)
            let seconds = try await Bench.time {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<(writers * inFlight) {
                        group.addTask {
                            for _ in 0..<perTask { try await journal.append(payload) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            Bench.report(
                "journal \(durability.rawValue), \(writers) writer(s) x \(inFlight) in flight",
                operations: perTask * writers * inFlight,
                seconds: seconds, unit: "appends")
        }
    }

    try await Bench.inTemporaryDirectory { directory in
        let records = 1_000_000
        let journal = try FileJournal.open(at: directory, options: .init(durability: .none))
        let batch = [Data](repeating: payload, count: 1_000)
        for _ in 0..<(records / batch.count) { _ = try await journal.append(contentsOf: batch) }
        journal.close()
        var reopened: FileJournal?
        let seconds = try await Bench.time {
            reopened = try FileJournal.open(at: directory)
        }
        let count = try await reopened?.count() ?? 0
        Bench.report("journal reopen of \(count) records (every frame checked)", seconds: seconds)
        let readSeconds = try await Bench.time {
            var bytes = 0
            try await reopened?.forEach { bytes += $0.payload.count }
            precondition(bytes == records * payload.count)
        }
        Bench.report("journal full read", operations: count, seconds: readSeconds, unit: "records")
        let rewriteSeconds = try await Bench.time {
            _ = try await reopened?.rewrite { $0.sequence % 250_000 == 0 ? nil : $0.payload }
        }
        Bench.report("journal rewrite erasing 4 of \(count) records", seconds: rewriteSeconds)
        reopened?.close()
    }

    try await Bench.inTemporaryDirectory { directory in
        let store = try FileDocumentStore.open(at: directory, options: .init(durability: .grouped))
        defer { store.close() }
        let commits = 50_000
        let seconds = try await Bench.time {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<64 {
                    group.addTask {
                        for n in 0..<(commits / 64) { try await store.insert("doc/\(task)/\(n)", payload) }
                    }
                }
                try await group.waitForAll()
            }
        }
        Bench.report(
            "document store inserts, grouped, 64 concurrent", operations: commits, seconds: seconds, unit: "commits")
    }
}
