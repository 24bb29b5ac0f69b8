import Foundation

/// The command line of `kimple-demo`, parsed by hand (the package has no dependencies).
public enum DemoCommandLine {
    /// What the command line asks.
    public enum Command: Sendable {
        /// Print ``usage`` and stop.
        case help
        /// Run (or reopen) a campaign.
        case run(directory: String, participants: Int, fresh: Bool)
    }

    /// A command line that cannot be understood: exit code 2.
    public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The help text.
    public static let usage = """
        Usage: kimple-demo [--data DIR] [--fresh] [--participants N]

        Plays one brand's 2026 campaign on the Kimple SDK, end to end, on the embedded file
        store and a manual clock: a quote signed into a contract with its licence, monthly
        invoices (one paid late, with its interest), the controller's instruction, an instant
        win and a sweepstakes with their rules, June's participants (second tries, +tag and
        Gmail-dot addresses, under-age and out-of-territory entries, a robot burst during a TV
        spot), instant wins, the draw committed, frozen and revealed, a winner disqualified and
        replaced by a reserve, an erasure request, a month of outages, maintenance and two
        incidents in June's service report, and the evidence log verified.

        Run it again and it reopens the stored campaign and checks it survived.

        Options:
          --data DIR          where the data and the artefacts go (default: ./kimple-data)
          --fresh             delete the demo's previous campaign in DIR and play a new one
          --participants N    simulated participants (submissions), 100 to 1000000
                              (default: 100000)
          -h, --help          show this help

        Artefacts written in DIR: the draw certificate (JSON) and its entry list, the
        sweepstakes' participants (CSV), June's service report (Markdown), the record of
        processing activities (Markdown), the evidence log's verification. Check the draw
        without Swift: python3 Documentation/verify_draw.py certificate \\
          DIR/june-sweepstakes-certificate.json DIR/june-sweepstakes-entries.txt

        Exit status: 0 done, 1 the campaign failed or DIR cannot be used, 2 bad options.
        """

    /// Parses `arguments` (without the program name).
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing or bad value, or a repeated option.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var directory: String?
        var participants: Int?
        var fresh = false
        var index = 0
        func value(of option: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("-") || arguments[index] == "-" else {
                throw UsageError(message: "\(option) needs a value.")
            }
            return arguments[index]
        }
        while index < arguments.count {
            var argument = arguments[index]
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                inline = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            switch argument {
            case "-h", "--help":
                return .help
            case "--fresh":
                guard inline == nil else { throw UsageError(message: "--fresh takes no value.") }
                fresh = true
            case "--data":
                guard directory == nil else { throw UsageError(message: "--data is given twice.") }
                let given: String
                if let inline { given = inline } else { given = try value(of: "--data") }
                guard !given.isEmpty else { throw UsageError(message: "--data needs a directory.") }
                directory = given
            case "--participants":
                guard participants == nil else { throw UsageError(message: "--participants is given twice.") }
                let given: String
                if let inline { given = inline } else { given = try value(of: "--participants") }
                guard let count = Int(given.replacingOccurrences(of: "_", with: "")), (100...1_000_000).contains(count)
                else {
                    throw UsageError(message: "--participants takes a number from 100 to 1000000, not '\(given)'.")
                }
                participants = count
            default:
                throw UsageError(
                    message: argument.hasPrefix("-")
                        ? "Unknown option \(argument)." : "Unexpected argument '\(argument)'.")
            }
            index += 1
        }
        return .run(directory: directory ?? "kimple-data", participants: participants ?? 100_000, fresh: fresh)
    }
}
