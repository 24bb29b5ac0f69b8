import Dispatch
import Foundation
import KimpleFuzzTargets
import Synchronization

// The fuzz driver of the decoders of outside data.
//
// Built with `-sanitize=fuzzer -DKIMPLE_FUZZ` (Tests/KimpleFuzz/fuzz.sh does it), it is a
// libFuzzer binary: the target comes from the environment (`KIMPLE_FUZZ_TARGET=journal`),
// the arguments are libFuzzer's (corpus directories, `-max_total_time=60`...). A broken
// invariant aborts, so libFuzzer saves the input.
//
// Built normally (as `swift build` does), it replays inputs without libFuzzer:
//   kimple-fuzz replay <target> <file or directory>...   runs each input, reports the outcome
//   kimple-fuzz seed <target> <directory>                writes the target's seed inputs

/// The result of one run, handed from the task that ran it to the waiting thread.
final class ResultBox: Sendable {
    private let value = Mutex<Result<FuzzOutcome, InvariantViolation>?>(nil)
    func set(_ result: Result<FuzzOutcome, InvariantViolation>) { value.withLock { $0 = result } }
    func get() -> Result<FuzzOutcome, InvariantViolation>? { value.withLock { $0 } }
}

/// Runs one input to the end on the concurrency pool and waits for it.
func runBlocking(_ target: FuzzTarget, _ input: [UInt8]) -> Result<FuzzOutcome, InvariantViolation> {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox()
    Task {
        do throws(InvariantViolation) {
            box.set(.success(try await target.run(input)))
        } catch {
            box.set(.failure(error))
        }
        done.signal()
    }
    done.wait()
    return box.get() ?? .failure(InvariantViolation("the run ended without a result"))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

#if KIMPLE_FUZZ
    /// The target of this process, from `KIMPLE_FUZZ_TARGET`.
    let fuzzTarget: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["KIMPLE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fail(
                "Set KIMPLE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return target
    }()

    @_silgen_name("LLVMFuzzerRunDriver")
    func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// libFuzzer's entry point: one input.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let input = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
        if case .failure(let violation) = runBlocking(fuzzTarget, input) {
            // Crash on purpose: libFuzzer saves the input that broke the invariant.
            fatalError("kimple-fuzz \(fuzzTarget.rawValue): \(violation)")
        }
        return 0
    }

    @main
    enum KimpleFuzz {
        static func main() {
            _ = fuzzTarget
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(llvmFuzzerRunDriver(&argc, &argv, { fuzzOneInput($0, $1) }))
        }
    }
#else
    @main
    enum KimpleFuzz {
        static func main() async throws {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard arguments.count >= 3, let target = FuzzTarget(rawValue: arguments[1]) else {
                fail(
                    """
                    usage: kimple-fuzz replay <target> <file or directory>...
                           kimple-fuzz seed <target> <directory>
                    targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
                    """)
            }
            switch arguments[0] {
            case "seed":
                let directory = URL(fileURLWithPath: arguments[2], isDirectory: true)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                for (name, bytes) in try await target.seeds().sorted(by: { $0.key < $1.key }) {
                    try Data(bytes).write(to: directory.appendingPathComponent("seed-" + name))
                }
            case "replay":
                var violations = 0
                for path in try files(arguments[2...]) {
                    let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                    let start = ContinuousClock.now
                    do {
                        let outcome = try await target.run(input)
                        print("\(path): \(outcome) in \(ContinuousClock.now - start)")
                    } catch {
                        violations += 1
                        print("\(path): VIOLATION \(error)")
                    }
                }
                if violations > 0 { exit(1) }
            default:
                fail("unknown command \(arguments[0])")
            }
        }

        /// The files named, directories expanded (sorted, not recursive).
        static func files(_ paths: ArraySlice<String>) throws -> [String] {
            var files: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    files += try FileManager.default.contentsOfDirectory(atPath: path).sorted().filter {
                        !$0.hasPrefix(".")
                    }
                    .map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            return files
        }
    }
#endif
