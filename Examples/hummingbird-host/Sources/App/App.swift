import Foundation
import Kimple
import KimpleHost
import Logging
import ServiceLifecycle

/// `kimple-host`: the reference host on the file store of `--data`, on the system clock.
@main
struct App {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            print(HostConfiguration.usage)
            return
        }
        let logger = Logger(label: "kimple-host")
        do {
            let configuration = try HostConfiguration(
                arguments: arguments, environment: ProcessInfo.processInfo.environment)
            let app = try await buildApplication(configuration, logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch let error as HostError {
            FileHandle.standardError.write(Data("kimple-host: \(error.message)\n".utf8))
            exit(error.code == "host.usage" ? 64 : 1)
        } catch {
            FileHandle.standardError.write(Data("kimple-host: \(error)\n".utf8))
            exit(1)
        }
    }
}
