import Kimple

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How the host runs: where it listens, where it keeps its data and which store it uses.
public struct HostConfiguration: Sendable {
    /// The address the server binds to (`--hostname`, 127.0.0.1 by default).
    public var hostname: String
    /// The port the server listens on (`--port`, 8080 by default; 0 to 65535).
    public var port: Int
    /// The directory of the file store, the rules documents and the host's secrets (`--data`,
    /// `./kimple-data` by default).
    public var dataDirectory: URL
    /// A storage URL other than the file store (`--storage` or `KIMPLE_STORAGE`), if given.
    public var storage: String?
    /// The largest request body accepted, in bytes (64 KiB): larger ones get 413.
    public var maximumBodyBytes: Int

    /// A configuration; the defaults are those of the command line.
    public init(
        hostname: String = "127.0.0.1", port: Int = 8080,
        dataDirectory: URL = URL(fileURLWithPath: "kimple-data", isDirectory: true), storage: String? = nil,
        maximumBodyBytes: Int = 64 << 10
    ) {
        self.hostname = hostname
        self.port = port
        self.dataDirectory = dataDirectory
        self.storage = storage
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// The configuration of the command line `arguments` (without the program's name) and the
    /// environment `environment`: `--hostname <address>`, `--port <n>`, `--data <dir>`,
    /// `--storage <url>` (or `KIMPLE_STORAGE`).
    ///
    /// - Throws: ``HostError`` `host.usage` for an unknown option, a missing value or a port
    ///   outside 0...65535.
    public init(arguments: [String], environment: [String: String] = [:]) throws {
        self.init()
        storage = environment["KIMPLE_STORAGE"].flatMap { $0.isEmpty ? nil : $0 }
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            guard ["--hostname", "--port", "--data", "--storage"].contains(option) else {
                throw HostError.usage("Unknown option '\(option.prefix(64))'.")
            }
            guard let value = remaining.popFirst(), !value.isEmpty, value.utf8.count <= 4_096 else {
                throw HostError.usage("The option \(option) needs a value.")
            }
            switch option {
            case "--hostname": hostname = value
            case "--port":
                guard let port = Int(value), (0...65_535).contains(port) else {
                    throw HostError.usage("The port is a number from 0 to 65535.")
                }
                self.port = port
            case "--data": dataDirectory = URL(fileURLWithPath: value, isDirectory: true)
            default: storage = value
            }
        }
    }

    /// The text of `--help`.
    public static let usage = """
        Usage: kimple-host [--hostname <address>] [--port <n>] [--data <dir>] [--storage <url>]

          --hostname  the address to listen on (127.0.0.1)
          --port      the port to listen on (8080)
          --data      the directory of the file store (./kimple-data)
          --storage   a storage URL instead of the file store (also KIMPLE_STORAGE)
        """
}

/// An error of the host itself (not of the SDK): a bad command line, a storage it cannot open.
public struct HostError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code: `host.usage`, `host.storage_unavailable`, `host.setup`.
    public let code: String
    /// What went wrong and what to do about it.
    public let message: String

    /// A bad command line.
    public static func usage(_ message: String) -> HostError { HostError(code: "host.usage", message: message) }

    /// A storage URL the host cannot open yet.
    public static func storageUnavailable(_ message: String) -> HostError {
        HostError(code: "host.storage_unavailable", message: message)
    }

    /// A failure while preparing the data directory.
    public static func setup(_ message: String) -> HostError { HostError(code: "host.setup", message: message) }

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }
}
