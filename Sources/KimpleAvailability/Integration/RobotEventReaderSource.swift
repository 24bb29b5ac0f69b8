import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The robot detections recorded by the games' intake, read by the availability module
/// (SPEC G-5, A-4): a ``RobotEventSource`` over any `RobotEventReader` of KimpleGames.
///
/// A reader belongs to one tenant: asked for another tenant, the source returns no event
/// (SPEC K-1). Events are returned as recorded: an aggregated event stands for
/// ``RobotEvent/count`` detections (the intake writes one event per source, signal and
/// minute); ``RobotAttribution`` counts them so.
///
/// ```swift
/// let robots = try await RobotEventJournal.open(storage, clock: SystemClock())          // the intake's log
/// let availability = AvailabilityService(store: store, clock: clock, robotEvents: RobotEventReaderSource(robots))
/// ```
public struct RobotEventReaderSource: RobotEventSource {
    /// The tenant whose events the reader holds.
    public let tenant: TenantID
    /// The reader.
    public let reader: any RobotEventReader

    /// A source reading `tenant`'s events from `reader`.
    public init(tenant: TenantID, reader: any RobotEventReader) {
        self.tenant = tenant
        self.reader = reader
    }

    /// A source over the robot-event log `log` (its tenant's).
    public init(_ log: any RobotEventLog) {
        self.init(tenant: log.tenant, reader: log)
    }

    /// `tenant`'s events in `interval`, in time order; none for another tenant.
    /// Throws what the reader throws.
    public func robotEvents(of tenant: TenantID, in interval: Range<Date>) async throws -> [RobotEvent] {
        guard tenant == self.tenant else { return [] }
        return try await reader.events(from: interval.lowerBound, to: interval.upperBound).filter {
            $0.tenant == tenant
        }
    }
}

extension RobotEventJournal: RobotEventSource {
    /// The journal's events of `tenant` in `interval`, in time order (none for another
    /// tenant): ``RobotEventReaderSource`` over this journal. Throws the log's storage errors.
    public func robotEvents(of tenant: TenantID, in interval: Range<Date>) async throws -> [RobotEvent] {
        try await RobotEventReaderSource(self).robotEvents(of: tenant, in: interval)
    }
}
