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

let command: DemoCommandLine.Command
do {
    command = try DemoCommandLine.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error.message)\nTry 'kimple-demo --help'.", status: 2)
}
guard case .run(let directory, let participants, let fresh) = command else {
    print(DemoCommandLine.usage)
    exit(0)
}

let started = ContinuousClock.now
let interactive = isatty(STDERR_FILENO) != 0
let options = DemoOptions(
    dataDirectory: URL(fileURLWithPath: directory), participants: participants, fresh: fresh,
    progress: { progress in
        // One line, rewritten in place on a terminal; a few lines otherwise.
        let step = max(1, progress.total / 10)
        guard interactive || progress.submitted == progress.total || progress.submitted % step < 256 else { return }
        let line = "participants: \(progress.submitted) / \(progress.total) submissions"
        FileHandle.standardError.write(Data((interactive ? "\r\(line)" : line + "\n").utf8))
        if interactive, progress.submitted == progress.total { FileHandle.standardError.write(Data("\n".utf8)) }
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
