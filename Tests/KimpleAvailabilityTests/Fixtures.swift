import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames

/// Shared helpers of the availability tests.
enum Fixtures {
    static let tenant: TenantID = "acme"

    static func at(_ text: String) throws -> Date { try ISO8601.instant(text) }

    static func month(_ text: String) throws -> CalendarMonth { try CalendarMonth(text) }

    static func outage(
        _ id: String, _ start: String, _ end: String?, impact: OutageImpact = .inaccessible, summary: String = ""
    ) throws -> Outage {
        try Outage(id: OutageID(id), start: at(start), end: end.map { try at($0) }, impact: impact, summary: summary)
    }

    static func maintenance(
        _ id: String, _ kind: MaintenanceKind, _ start: String, _ end: String?
    ) throws
        -> MaintenanceWindow
    {
        try MaintenanceWindow(id: MaintenanceID(id), kind: kind, start: at(start), end: end.map { try at($0) })
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text) ?? .nan }

    static func robot(
        _ operation: OperationID, _ source: String, _ signal: RobotSignal, _ time: String, tenant: TenantID = tenant
    )
        throws -> RobotEvent
    {
        RobotEvent(
            tenant: tenant, operation: operation, source: source, signal: signal, time: try at(time), detail: "seen")
    }
}
