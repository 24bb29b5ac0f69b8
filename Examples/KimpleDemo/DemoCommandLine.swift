import Foundation
import KimpleCore
import Synchronization

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
                              (default: 100000); for a new campaign only: on a stored
                              one, add --fresh
          -h, --help          show this help

        Artefacts written in DIR: the draw certificate (JSON) and its entry list, the
        sweepstakes' participants (CSV), June's service report (Markdown), the record of
        processing activities (Markdown), the evidence log's verification. Check the draw
        without Swift: python3 Documentation/verify_draw.py certificate \\
          DIR/june-sweepstakes-certificate.json DIR/june-sweepstakes-entries.txt

        Progress goes to the standard error: one line rewritten in place on a terminal, a
        line per tenth of the submissions when the output is a file or a pipe.

        Exit status: 0 done, 1 the campaign failed or DIR cannot be used (a file, say),
        2 bad options (--participants on a stored campaign without --fresh).
        """

    /// Parses `arguments` (without the program name).
    ///
    /// - Throws: ``UsageError`` for an unknown option, a missing or bad value, or a repeated option.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        let options = try options(arguments)
        guard let directory = options.directory else { return .help }
        return .run(directory: directory, participants: options.participants ?? 100_000, fresh: options.fresh)
    }

    /// The `--participants` value `arguments` give, or `nil` when they give none (the default
    /// then applies). Throws ``UsageError`` as ``parse(_:)`` does.
    public static func explicitParticipants(_ arguments: [String]) throws(UsageError) -> Int? {
        try options(arguments).participants
    }

    /// Refuses `--participants` without `--fresh` when `state` holds a campaign: such a run
    /// only reopens and checks the stored campaign, so the number would be silently ignored
    /// (unless it is the stored campaign's own).
    /// Returns `nil` when the options fit the directory.
    public static func conflict(
        participants: Int?, fresh: Bool, state: DemoCampaign.DirectoryState
    ) -> UsageError? {
        guard let participants, !fresh, case .completed(let manifest) = state, manifest.participants != participants
        else { return nil }
        return UsageError(
            message: "--participants \(participants) applies to a new campaign, but the data directory holds a "
                + "completed campaign of \(manifest.participants) participants, which this run would only reopen "
                + "and check. Add --fresh to play a new campaign, or drop --participants.")
    }

    /// Why `directory` cannot hold the demo's data: `demo.not_a_directory` when it, or the
    /// nearest part of its path that exists, is a file (or anything but a directory);
    /// `nil` when it can be used or created.
    public static func directoryProblem(_ directory: String) -> KimpleError? {
        let given = URL(fileURLWithPath: directory).standardizedFileURL
        var url = given
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return nil }
                let what = url == given ? "is a file" : "goes through \(url.path), which is a file"
                return KimpleError(
                    .demoNotADirectory, "--data \(directory) \(what), not a directory; choose a directory with --data.",
                    context: ["directory": directory])
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    private struct Options {
        /// `nil` for `--help`.
        var directory: String?
        var participants: Int?
        var fresh: Bool
    }

    private static func options(_ arguments: [String]) throws(UsageError) -> Options {
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
                return Options(directory: nil, participants: nil, fresh: fresh)
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
        return Options(directory: directory ?? "kimple-data", participants: participants, fresh: fresh)
    }
}

extension KimpleError.Code {
    /// `--data` names a file (or a path through a file), not a directory.
    public static let demoNotADirectory: Self = "demo.not_a_directory"
}

/// The progress lines of the command line: on a terminal, one line rewritten in place;
/// otherwise (output to a file or a pipe) a line at each tenth of the submissions only.
public final class DemoProgressLines: Sendable {
    /// Whether lines are rewritten in place.
    public let interactive: Bool
    private let lastTenth = Mutex(-1)

    /// Lines for a terminal (`interactive`) or for a file.
    public init(interactive: Bool) {
        self.interactive = interactive
    }

    /// What to write for `progress` (with its line ending), or `nil` to write nothing.
    public func text(for progress: DemoProgress) -> String? {
        text(submitted: progress.submitted, total: progress.total)
    }

    /// What to write after `submitted` of `total` submissions, or `nil` to write nothing.
    public func text(submitted: Int, total: Int) -> String? {
        let line = "participants: \(submitted) / \(total) submissions"
        let done = submitted >= total
        if interactive { return "\r" + line + (done ? "\n" : "") }
        let tenth = total > 0 ? min(10, submitted * 10 / total) : 10
        let printed = lastTenth.withLock { last in
            guard tenth > last else { return false }
            last = tenth
            return true
        }
        return printed ? line + "\n" : nil
    }
}
