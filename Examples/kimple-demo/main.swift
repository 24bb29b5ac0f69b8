// kimple-demo: one brand's 2026 campaign on the Kimple platform, end to end, on the embedded
// file store and a manual clock. The campaign itself is in Examples/KimpleDemo; this is its
// command line (see --help).
import Foundation
import KimpleCore
import KimpleDemo

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("kimple-demo: \(message)\n".utf8))
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let command: DemoCommandLine.Command
let explicitParticipants: Int?
do {
    command = try DemoCommandLine.parse(arguments)
    explicitParticipants = try DemoCommandLine.explicitParticipants(arguments)
} catch {
    fail("\(error.message)\nTry 'kimple-demo --help'.", status: 2)
}
guard case .run(let directory, let participants, let fresh) = command else {
    print(DemoCommandLine.usage)
    exit(0)
}
// A file given as --data: a typed message, not the file system's error.
if let problem = DemoCommandLine.directoryProblem(directory) { fail(problem.message, status: 1) }
do {
    // --participants on a stored campaign without --fresh would be silently ignored: refuse it.
    let state = try DemoCampaign.state(of: URL(fileURLWithPath: directory))
    if let conflict = DemoCommandLine.conflict(participants: explicitParticipants, fresh: fresh, state: state) {
        fail("\(conflict.message)\nTry 'kimple-demo --help'.", status: 2)
    }
} catch {
    fail("cannot read the data directory \(directory): \(error.localizedDescription)", status: 1)
}

let started = ContinuousClock.now
// Rewritten in place only when both outputs are a terminal; a few lines into a file or a pipe.
let lines = DemoProgressLines(interactive: isatty(STDOUT_FILENO) != 0 && isatty(STDERR_FILENO) != 0)
let options = DemoOptions(
    dataDirectory: URL(fileURLWithPath: directory), participants: participants, fresh: fresh,
    progress: { progress in
        if let text = lines.text(for: progress) { FileHandle.standardError.write(Data(text.utf8)) }
    })

print("# Kimple SDK demo — Brand SA's June 2026 campaign (data: \(directory))")
do {
    switch try await DemoCampaign.start(options) {
    case .ran(let summary):
        for line in summary.lines { print(line) }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print(
            String(format: "\nDone in %.1f s. Run again to reopen the stored campaign; --fresh starts over.", seconds))
    case .inspected(let inspection):
        for line in inspection.lines { print(line) }
    }
} catch let error as KimpleError {
    fail("\(error)", status: 1)
} catch {
    fail("the campaign stopped: \(error)", status: 1)
}
