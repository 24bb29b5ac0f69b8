import Foundation

/// Durability tests for real: run a child process that writes to a store and prints one
/// line `ack <key> <value>` per write it was told is durable, kill it with SIGKILL at a
/// moment it does not choose, then reopen the store and check every acknowledged write.
public enum CrashTest {
    /// An executable built next to the running test bundle (SwiftPM puts a package's
    /// executables and its test bundle in one directory).
    public static func executableNextToTests(named name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Runs `executable` with `arguments`, reads its `ack <key> <value>` lines, kills it with
    /// SIGKILL once it has acknowledged `killAfter` writes (or when it stops on its own), and
    /// returns every acknowledgement it printed, including lines already in the pipe at the
    /// moment of the kill. Throws when the process cannot be started.
    public static func runAndKill(
        _ executable: URL, arguments: [String], killAfter: Int
    ) throws -> [(key: String, value: String)] {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var acknowledged: [(key: String, value: String)] = []
        var buffer = Data()
        let reader = pipe.fileHandleForReading
        func parse(_ line: Substring) {
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[0] == "ack" { acknowledged.append((String(parts[1]), String(parts[2]))) }
        }
        while acknowledged.count < killAfter {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                parse(Substring(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        buffer.append(reader.readDataToEndOfFile())
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") { parse(line) }
        return acknowledged
    }

    /// A child process that keeps running while the test works beside it (it holds a store
    /// open, say): read its lines up to one it prints when ready, then kill it.
    public final class Child {
        private let process: Process
        private let reader: FileHandle
        private var buffer = Data()
        /// The `ack <key> <value>` lines read so far.
        public private(set) var acknowledged: [(key: String, value: String)] = []

        /// The child's process id.
        public var processIdentifier: Int32 { process.processIdentifier }

        /// Starts `executable` with `arguments`. Throws when it cannot be started.
        public init(_ executable: URL, arguments: [String]) throws {
            process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            reader = pipe.fileHandleForReading
            try process.run()
        }

        /// Reads lines until one equal to `line` (returns `true`) or the end of the output
        /// (`false`: the child stopped). Keeps the `ack` lines read on the way.
        public func waitFor(line expected: String) -> Bool {
            while true {
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    let parts = line.split(separator: " ")
                    if parts.count == 3, parts[0] == "ack" {
                        acknowledged.append((String(parts[1]), String(parts[2])))
                    }
                    if line == expected { return true }
                }
                let chunk = reader.availableData
                if chunk.isEmpty { return false }
                buffer.append(chunk)
            }
        }

        /// Kills the child with SIGKILL and waits for it to end.
        public func kill() {
            if process.isRunning { killProcess(process.processIdentifier) }
            process.waitUntilExit()
        }

        deinit { kill() }
    }
}

/// SIGKILL to `pid` (a free function: inside ``CrashTest/Child`` the name `kill` is its method).
private func killProcess(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
