import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the SDK's messages go (notices to controllers, breach notifications, events for the
/// host), chosen once for the whole SDK with a leading dot: `.inMemory`, `.outbox(at:)` or
/// `.custom(myTransport)`.
public struct KimpleTransport: Sendable {
    let make: @Sendable (any Clock) throws -> any MessageTransport

    /// Messages kept in memory (an ``KimpleCore/InMemoryTransport``, which tests read back):
    /// nothing leaves the process.
    public static var inMemory: KimpleTransport {
        KimpleTransport { clock in InMemoryTransport(clock: clock) }
    }

    /// The file outbox in `directory` (created if needed): one file per message, written
    /// atomically, delivered at least once by the host's delivery loop (see
    /// ``KimpleCore/FileOutbox``). Opening throws `storage.locked` while another process holds it.
    public static func outbox(at directory: URL) -> KimpleTransport {
        KimpleTransport { clock in try FileOutbox(directory: directory, clock: clock) }
    }

    /// The host's own transport (a mail provider, a queue), used as it is.
    public static func custom(_ transport: any MessageTransport) -> KimpleTransport {
        KimpleTransport { _ in transport }
    }
}
