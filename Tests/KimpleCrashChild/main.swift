// A child process for durability tests: it writes to a store and prints, one line per
// acknowledged write, what it was told is durable. The parent test kills it with SIGKILL
// at a random moment, reopens the store and checks that every acknowledged write is there.
//
// Usage: kimple-crash-child journal <directory> <durability> <writers>
import Foundation
import KimpleCore

/// One unbuffered write per line: a line printed is a line the parent can read, even if
/// this process is killed right after.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: kimple-crash-child journal <directory> <durability> <writers>\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[2])
let durability = FileJournal.Options.Durability(rawValue: arguments[3]) ?? .everyWrite
let writers = Int(arguments[4]) ?? 1

switch arguments[1] {
case "journal":
    let journal = try FileJournal.open(at: directory, options: .init(durability: durability, segmentSize: 64 << 10))
    say("ready \(journal.recovery.records)")
    await withTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var counter = 0
                while true {
                    counter += 1
                    // Records of 200 bytes whose content can be checked after the crash.
                    let text = "w\(writer)-\(counter)-"
                    let payload = Data((text + String(repeating: "x", count: max(0, 200 - text.utf8.count))).utf8)
                    do {
                        let sequence = try await journal.append(payload)
                        say("ack \(sequence) \(text)")
                    } catch {
                        say("error \(error)")
                        return
                    }
                }
            }
        }
    }
default:
    exit(2)
}
