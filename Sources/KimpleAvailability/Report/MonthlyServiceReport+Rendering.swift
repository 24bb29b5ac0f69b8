import KimpleCore
import KimpleGames

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// MARK: - JSON

extension MonthlyServiceReport {
    /// The report as JSON: sorted keys, instants as ISO 8601 text in UTC, rates as JSON numbers,
    /// dates as `YYYY-MM-DD`, months as `YYYY-MM`. The schema is in `Documentation/Availability.md`.
    /// Throws `core.invalid_argument` if a value cannot be encoded (it cannot happen with values
    /// built by ``build(_:settings:)``).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(date))
        }
        do {
            return try encoder.encode(self)
        } catch {
            throw KimpleError(.invalidArgument, "The report cannot be encoded as JSON: \(error)")
        }
    }

    /// Reads a report written by ``jsonData()``; throws `core.invalid_argument` when the bytes are
    /// not such a report.
    public static func decode(json data: Data) throws -> MonthlyServiceReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = try? ISO8601.instant(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Invalid instant '\(text)'")
            }
            return date
        }
        do {
            return try decoder.decode(MonthlyServiceReport.self, from: data)
        } catch {
            throw KimpleError(.invalidArgument, "The bytes are not a monthly service report: \(error)")
        }
    }
}

// MARK: - Daily bar

extension MonthlyServiceReport {
    /// The legend of ``dailyBar``, from the best level to the worst.
    public static let dailyBarLegend: [(symbol: Character, meaning: String)] = [
        ("█", "100 %"), ("▇", "≥ 99.9 %"), ("▆", "≥ 99.5 %"), ("▅", "≥ 99 %"), ("▄", "≥ 98 %"), ("▃", "≥ 95 %"),
        ("▂", "≥ 90 %"), ("▁", "< 90 %"), ("·", "no covered time (maintenance all day)"), (" ", "day not begun"),
    ]

    /// One character per day of the month, from the first: the day's availability on the scale of
    /// ``dailyBarLegend`` (a logarithmic scale around the 99.9 % commitment, where a linear one
    /// would show every day full).
    public var dailyBar: String {
        String(daily.map(Self.symbol(for:)))
    }

    static func symbol(for day: DailyAvailability) -> Character {
        if day.progress == .future { return " " }
        guard let rate = day.rate else { return "·" }
        let levels: [(Decimal, Character)] = [
            (100, "█"), (Decimal(string: "99.9") ?? 99, "▇"), (Decimal(string: "99.5") ?? 99, "▆"), (99, "▅"),
            (98, "▄"), (95, "▃"), (90, "▂"),
        ]
        for (threshold, symbol) in levels where rate >= threshold { return symbol }
        return "▁"
    }
}

// MARK: - Markdown

extension MonthlyServiceReport {
    /// The report as a Markdown page for a person: instants on the wall clock of `calendar`
    /// (Europe/Paris by default) with their UTC offset.
    public func markdown(calendar: FrenchCalendar = .paris) -> String {
        var out: [String] = []
        func time(_ date: Date?) -> String {
            guard let date else { return "—" }
            return MarkdownText.localTime(date, calendar: calendar)
        }
        func cell(_ text: String) -> String { MarkdownText.cell(text) }
        let a = availability

        out.append("# Service report — \(cell(tenant.rawValue)) — \(month)")
        out.append("")
        out.append(
            isFinal
                ? "Final report, computed at \(time(generatedAt))."
                : "Provisional report as of \(time(generatedAt)): the month is not over; ongoing outages count up to that instant."
        )
        out.append("")
        out.append("## Availability (contract §9.1)")
        out.append("")
        out.append("| | Minutes |")
        out.append("|---|---:|")
        out.append("| Minutes of the month | \(AvailabilityFormat.grouped(a.monthMinutes)) |")
        out.append("| Scheduled maintenance | \(AvailabilityFormat.grouped(a.scheduledMaintenanceMinutes)) |")
        out.append("| Emergency maintenance | \(AvailabilityFormat.grouped(a.emergencyMaintenanceMinutes)) |")
        out.append(
            "| Maintenance excluded (overlaps counted once) | \(AvailabilityFormat.grouped(a.maintenanceMinutes)) |")
        out.append("| **PC**, covered period | \(AvailabilityFormat.grouped(a.coveredMinutes)) |")
        out.append("| Outage minutes in the month | \(AvailabilityFormat.grouped(a.outageMinutes)) |")
        out.append("| of which during maintenance | \(AvailabilityFormat.grouped(a.outageMinutesDuringMaintenance)) |")
        out.append("| Unavailable minutes of PC | \(AvailabilityFormat.grouped(a.unavailableMinutes)) |")
        out.append("| **DS**, available minutes of PC | \(AvailabilityFormat.grouped(a.availableMinutes)) |")
        out.append("| Degraded minutes (accessible, not counted) | \(AvailabilityFormat.grouped(a.degradedMinutes)) |")
        out.append("")
        out.append("**\(a.formula)** — commitment \(a.target) %: **\(a.isMet ? "met" : "missed")**.")
        out.append("")
        out.append(
            "Error budget: \(AvailabilityFormat.truncated(a.budgetMinutes, places: 2)) min; "
                + (a.remainingBudgetMinutes >= 0
                    ? "\(AvailabilityFormat.truncated(a.remainingBudgetMinutes, places: 2)) min left."
                    : "exceeded by \(AvailabilityFormat.truncated(-a.remainingBudgetMinutes, places: 2)) min."))
        out.append("")

        out.append("## Daily availability")
        out.append("")
        out.append("```")
        let numbers = daily.map { String($0.date.day % 10) }.joined()
        out.append("day  " + numbers)
        out.append("     " + dailyBar)
        out.append("```")
        out.append(
            Self.dailyBarLegend.map { "`\($0.symbol)` \($0.meaning)" }.joined(separator: " · ")
                + " (day numbers: last digit).")
        let troubled = daily.filter { $0.unavailableMinutes > 0 || $0.maintenanceMinutes > 0 }
        if !troubled.isEmpty {
            out.append("")
            out.append("| Day | Minutes | Maintenance | Unavailable | Rate |")
            out.append("|---|---:|---:|---:|---:|")
            for day in troubled {
                out.append(
                    "| \(day.date) | \(AvailabilityFormat.grouped(day.minutes)) | \(day.maintenanceMinutes) | "
                        + "\(day.unavailableMinutes) | \(AvailabilityFormat.percent(day.rate, places: 3)) |")
            }
        }
        out.append("")

        out.append("## Outages")
        out.append("")
        if outages.isEmpty {
            out.append("None.")
        } else {
            out.append("| Id | Start | End | Impact | Origin | Minutes in month | In maintenance | Counted | Summary |")
            out.append("|---|---|---|---|---|---:|---:|---:|---|")
            for entry in outages {
                let o = entry.outage
                let impact =
                    o.impact == .inaccessible
                    ? "inaccessible"
                    : "degraded"
                        + (o.affectedFunctions.isEmpty ? "" : " (\(o.affectedFunctions.joined(separator: ", ")))")
                out.append(
                    "| \(cell(o.id.rawValue)) | \(time(o.start)) | \(o.end.map { time($0) } ?? "ongoing") | \(cell(impact)) | "
                        + "\(o.origin.rawValue) | \(entry.minutesInMonth) | \(entry.minutesDuringMaintenance) | "
                        + "\(entry.countedMinutes) | \(cell(o.summary)) |")
            }
            let withRobots = outages.filter { !$0.robotActivity.isEmpty }
            for entry in withRobots {
                out.append("")
                out.append("Robot activity of the client during outage `\(cell(entry.outage.id.rawValue))` (§7.2):")
                out.append(contentsOf: Self.robotLines(entry.robotActivity, time: time))
            }
        }
        out.append("")

        out.append("## Maintenance")
        out.append("")
        if maintenance.isEmpty {
            out.append("None.")
        } else {
            out.append("| Id | Kind | Start | End | Announced | Minutes in month | Summary |")
            out.append("|---|---|---|---|---|---:|---|")
            for entry in maintenance {
                let w = entry.window
                out.append(
                    "| \(cell(w.id.rawValue)) | \(w.kind.rawValue) | \(time(w.start)) | \(w.end.map { time($0) } ?? "ongoing") | "
                        + "\(time(w.announcedAt)) | \(entry.minutesInMonth) | \(cell(w.summary)) |")
            }
        }
        out.append("")

        out.append("## Incidents")
        out.append("")
        if incidents.isEmpty {
            out.append("None.")
        } else {
            out.append("| Id | Declared | Severity | Due | Intervention | Status | Resolved | Description |")
            out.append("|---|---|---|---|---|---|---|---|")
            for entry in incidents {
                let r = entry.response
                let i = r.incident
                let severity = i.severity.rawValue + (i.isUnavailability ? ", unavailability" : "")
                var status = Self.statusText(r.status)
                if let late = r.lateSeconds { status += " by \(MarkdownText.duration(late))" }
                out.append(
                    "| \(cell(i.id.rawValue)) | \(time(i.declaredAt)) | \(severity) | \(time(r.deadline?.due)) | "
                        + "\(time(r.respondedAt)) | \(status) | \(time(i.resolvedAt)) | \(cell(i.description)) |")
            }
            for entry in incidents where !entry.robotActivity.isEmpty {
                out.append("")
                out.append(
                    "Robot activity of the client during incident `\(cell(entry.response.incident.id.rawValue))` (§7.2):"
                )
                out.append(contentsOf: Self.robotLines(entry.robotActivity, time: time))
            }
        }
        out.append("")

        out.append("## Late interventions")
        out.append("")
        out.append(
            lateInterventions.isEmpty
                ? "None." : lateInterventions.map { "- `\(cell($0.rawValue))`" }.joined(separator: "\n"))
        out.append("")

        out.append("## Robot activity (contract §7.2)")
        out.append("")
        if robotActivity.isEmpty {
            out.append("No robot detected on the client's operations this month.")
        } else {
            out.append(contentsOf: Self.robotLines(robotActivity, time: time))
        }
        out.append("")

        out.append("## Traffic and throttling (contract §7.3)")
        out.append("")
        if traffic.isEmpty {
            out.append("No traffic recorded.")
        } else {
            out.append(
                "| Operation | Declared | Admitted | Refused (rate) | Refused (platform) | Refused (suspended) | Throttled from | to |"
            )
            out.append("|---|---|---:|---:|---:|---:|---|---|")
            for t in traffic {
                out.append(
                    "| \(cell(t.operation.rawValue)) | \(t.isDeclared ? "yes" : "no") | \(AvailabilityFormat.grouped(t.admitted)) | "
                        + "\(AvailabilityFormat.grouped(t.refusedRate)) | \(AvailabilityFormat.grouped(t.refusedPlatform)) | "
                        + "\(AvailabilityFormat.grouped(t.refusedSuspended)) | \(time(t.firstThrottled)) | \(time(t.lastThrottled)) |"
                )
            }
        }
        out.append("")

        out.append("## Suspensions")
        out.append("")
        if suspensions.isEmpty {
            out.append("None.")
        } else {
            for s in suspensions {
                out.append(
                    "- `\(cell(s.operation.rawValue))` suspended (\(s.term.rawValue)) at \(time(s.decidedAt)) by \(cell(s.decidedBy.description)): "
                        + "\(cell(s.reason)) — \(s.status.rawValue)\(s.appliedAt.map { " at " + time($0) } ?? "")")
            }
        }
        out.append("")

        out.append("## Breaches of the commitments")
        out.append("")
        out.append(
            breaches.isEmpty
                ? "None."
                : breaches.map {
                    "- \($0.kind == .availability ? "Availability" : "Late intervention") `\(cell($0.subject))`: \(cell($0.detail))"
                }
                .joined(separator: "\n"))
        out.append("")
        return out.joined(separator: "\n")
    }

    private static func statusText(_ status: IncidentResponse.Status) -> String {
        switch status {
        case .onTime: "on time"
        case .late: "**late**"
        case .pending: "pending"
        case .overdue: "**overdue**"
        case .noDeadline: "no delay (unavailability, counted in TxD)"
        }
    }

    private static func robotLines(_ activity: [RobotActivity], time: (Date?) -> String) -> [String] {
        activity.map { a in
            let signals = a.signals.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
            return "- operation `\(MarkdownText.cell(a.operation.rawValue))`, source `\(MarkdownText.cell(a.source))`: "
                + "\(a.detections) detection(s) (\(signals)) from \(time(a.first)) to \(time(a.last))"
        }
    }
}

/// Small text helpers of the Markdown report.
enum MarkdownText {
    /// `2026-06-10 10:00 (UTC+02:00)`, seconds shown when not zero.
    static func localTime(_ date: Date, calendar: FrenchCalendar) -> String {
        let offset = calendar.secondsFromUTC(at: date)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600
        let minutes = abs(offset) % 3600 / 60
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(calendar.civilDate(of: date)) \(calendar.localTime(of: date)) (UTC\(sign)\(pad(hours)):\(pad(minutes)))"
    }

    /// Text safe inside a table cell: pipes escaped, line breaks and backticks removed.
    static func cell(_ text: String) -> String {
        var out = ""
        for character in text.prefix(500) {
            switch character {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "`": out += "'"
            default: out.append(character)
            }
        }
        return out
    }

    /// `2 h 05 min` or `45 min` or `30 s`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total) s" }
        let minutes = (total + 59) / 60
        if minutes < 60 { return "\(minutes) min" }
        let m = minutes % 60
        return "\(minutes / 60) h \(m < 10 ? "0" : "")\(m) min"
    }
}
