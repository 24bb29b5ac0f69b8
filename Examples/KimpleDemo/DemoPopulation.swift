import Foundation
import KimpleCore
import KimpleGames

/// The simulated month of June: who takes part, when, and how (a person, a second try, a
/// sub-address or Gmail-dot variant of an address already used, a robot). Deterministic: the
/// same participant count gives the same submissions.
struct DemoPopulation: Sendable {
    /// What a planned submission is, to build it when its batch runs.
    enum Kind: Sendable, Hashable {
        /// A person's first entry.
        case person
        /// The same person again, with the same address typed in capitals.
        case secondTry
        /// The same person again, with `+tag` added to the address.
        case subAddress
        /// The same Gmail user again, with the dots of the address moved.
        case gmailDots
        /// A load-testing tool run against production during the TV spot.
        case loadTest
        /// A script that posts the form a fraction of a second after loading it.
        case tooFast
        /// A bot that fills every field, the hidden one included.
        case honeypot
    }

    /// One submission to make.
    struct Planned: Sendable {
        var at: Date
        var person: Int
        var operation: OperationID
        var kind: Kind
    }

    static let firstNames = [
        "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Jade", "Louise", "Lina", "Lucas", "Hugo",
        "Louis", "Nathan", "Gabriel", "Jules", "Arthur", "Adam", "Raphaël", "Théo", "Maël", "Noah", "Rose", "Anna",
    ]
    /// First names as they appear in addresses: lower case, without accents.
    static let emailNames = firstNames.map { $0.folding(options: .diacriticInsensitive, locale: nil).lowercased() }
    static let lastNames = [
        "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau", "simon",
        "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier", "peeters",
        "janssens", "maes", "jacobs",
    ]
    static let domains = [
        "gmail.com", "gmail.com", "gmail.com", "orange.fr", "free.fr", "laposte.net", "outlook.fr", "yahoo.fr",
        "sfr.fr", "skynet.be",
    ]
    static let browser =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
    static let loadTestAgent = "Apache-JMeter/5.6.3 (Java/21.0.2)"

    /// Submissions planned, robots included.
    let submissions: Int
    /// Distinct people among them.
    let people: Int
    let instantWin: OperationID
    let sweepstakes: OperationID
    /// Every submission, by planned instant.
    let planned: [Planned]
    /// Robot submissions among them.
    let robots: Int

    /// `submissions` simulated participations between `opensAt` and `closesAt`: people
    /// entering the instant win, 55 % of them the sweepstakes too, some coming back, and a robot
    /// burst (1 %) during the TV spot at `spot`, which brings 6 % of the people within the hour.
    init(
        submissions: Int, instantWin: OperationID, sweepstakes: OperationID, opensAt: Date, closesAt: Date, spot: Date
    ) throws {
        self.submissions = submissions
        self.instantWin = instantWin
        self.sweepstakes = sweepstakes
        // The SDK's own seeded generator: a given count always gives the same month.
        var random = try ChaCha20Random(key: SHA256.hash("kimple-demo population 2026"))
        let start = opensAt.addingTimeInterval(3_600)
        let span = closesAt.timeIntervalSince(start) - 7_200
        let burst = max(30, submissions / 100)
        var planned: [Planned] = []
        planned.reserveCapacity(submissions + 3)
        var person = 0
        while planned.count < submissions - burst {
            // 6 % arrive in the hour after the TV spot; the others across the month.
            let at =
                person % 100 < 6
                ? spot.addingTimeInterval(Double.random(in: 0..<1, using: &random) * 3_600)
                : start.addingTimeInterval(Double.random(in: 0..<1, using: &random) * span)
            planned.append(Planned(at: at, person: person, operation: instantWin, kind: .person))
            // 55 % play the sweepstakes too, a minute later.
            if person % 20 < 11 {
                planned.append(
                    Planned(at: at.addingTimeInterval(60), person: person, operation: sweepstakes, kind: .person))
            }
            // Some come back within two days: 4 % with the same address, 1.5 % with a +tag,
            // and Gmail users with the dots moved.
            let later = min(
                at.addingTimeInterval(86_400 * (0.5 + Double.random(in: 0..<1, using: &random))),
                closesAt.addingTimeInterval(-60))
            let roll = Double.random(in: 0..<1, using: &random)
            if roll < 0.04 {
                planned.append(Planned(at: later, person: person, operation: instantWin, kind: .secondTry))
            } else if roll < 0.055 {
                planned.append(Planned(at: later, person: person, operation: instantWin, kind: .subAddress))
            } else if roll < 0.085, Self.domain(of: person) == "gmail.com" {
                planned.append(Planned(at: later, person: person, operation: instantWin, kind: .gmailDots))
            }
            person += 1
        }
        // The last person's extra submissions may pass the count: keep it exact.
        planned.removeLast(max(0, planned.count - (submissions - burst)))
        self.people = person
        // The robot burst, a quarter of an hour into the spot.
        for n in 0..<burst {
            let kind: Kind = n % 3 == 0 ? .loadTest : (n % 3 == 1 ? .tooFast : .honeypot)
            planned.append(
                Planned(
                    at: spot.addingTimeInterval(840 + Double(n) * 120 / Double(burst)), person: person + n,
                    operation: n % 5 == 4 ? sweepstakes : instantWin, kind: kind))
        }
        planned.sort { $0.at < $1.at }
        self.planned = planned
        self.robots = burst
    }

    static func domain(of person: Int) -> String { domains[(person / 7) % domains.count] }

    /// The address person `person` gives for `kind`.
    static func email(of person: Int, kind: Kind = .person) -> String {
        let local = "\(emailNames[person % emailNames.count]).\(lastNames[(person / 3) % lastNames.count])\(person)"
        let domain = domain(of: person)
        switch kind {
        case .secondTry: return "\(local)@\(domain)".uppercased()
        case .subAddress: return "\(local)+concours@\(domain)"
        case .gmailDots:
            let undotted = local.replacingOccurrences(of: ".", with: "")
            return "\(undotted.prefix(1)).\(undotted.dropFirst())@\(domain)"
        default: return "\(local)@\(domain)"
        }
    }

    /// The submission of `planned`, made at `now`.
    func submission(_ planned: Planned, now: Date) -> ParticipationSubmission {
        let person = planned.person
        let country: String
        switch person % 100 {
        case 0..<85: country = "FR"
        case 85..<99: country = "BE"
        default: country = "CH"  // 1 %: not in the licence's territory
        }
        // 1 % are under 18 on the day.
        let year = person % 100 == 50 ? 2010 : 1950 + person % 56
        var fields: [String: FieldInput] = [
            "email": .text(Self.email(of: person, kind: planned.kind)),
            "first_name": .text(Self.firstNames[person % Self.firstNames.count]),
            "birth_date": .text("\(year)-0\(1 + person % 9)-1\(person % 10)"),
            "country": .text(country), "rules": true,
        ]
        if person % 3 == 0 { fields["marketing"] = true }
        let source = "10.\(person >> 16 & 255).\(person >> 8 & 255).\(person & 255)"
        var context = SubmissionContext(
            source: source, userAgent: Self.browser, formStartedAt: now.addingTimeInterval(-45))
        switch planned.kind {
        case .loadTest:
            context = SubmissionContext(source: "192.0.2.10", userAgent: Self.loadTestAgent, formStartedAt: nil)
        case .tooFast:
            context = SubmissionContext(
                source: "203.0.113.66", userAgent: Self.browser, formStartedAt: now.addingTimeInterval(-0.4))
        case .honeypot:
            fields["website"] = .text("https://cheap-followers.example")
            context = SubmissionContext(
                source: "198.51.100.\(person % 5)", userAgent: Self.browser,
                formStartedAt: now.addingTimeInterval(-12))
        default: break
        }
        return ParticipationSubmission(operation: planned.operation, fields: fields, context: context)
    }
}
