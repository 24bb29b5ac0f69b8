import Foundation
import Hummingbird
import Kimple
import Logging
import ServiceLifecycle

/// The request context of the host's routes: the core context and the client's address, the
/// source the robot checks count per (G-5).
public struct HostRequestContext: RequestContext {
    /// The core context.
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, when the connection has one.
    public let remoteIP: String?

    /// The context of a request on `source`'s connection.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteIP = source.channel.remoteAddress?.ipAddress
    }
}

/// Opens the SDK on `configuration` (see ``KimpleHost/open(_:clock:options:)``), with an
/// admission controller on the default policy in front of the intake, and builds the
/// application that serves it; the SDK is closed once the server has stopped.
///
/// - Throws: what ``KimpleHost/open(_:clock:options:)`` throws.
public func buildApplication(
    _ configuration: HostConfiguration, clock: any Clock = SystemClock(), logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    // Admission control with the SDK's default policy: shed load answers 503 with Retry-After.
    let admission = AdmissionController(policy: try AdmissionPolicy())
    let host = try await KimpleHost.open(configuration, clock: clock, options: TenantOptions(admission: admission))
    return buildApplication(host: host, configuration: configuration, logger: logger, closesHost: true)
}

/// The application that serves `host`: the participant routes of ``buildRouter(host:maximumBodyBytes:)``
/// on `configuration`'s address. When `closesHost`, the SDK is closed after the server stops.
public func buildApplication(
    host: KimpleHost, configuration: HostConfiguration, logger: Logger? = nil, closesHost: Bool = false
) -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "kimple-host")
    if logger.logLevel > .info { logger.logLevel = .info }
    let router = buildRouter(host: host, maximumBodyBytes: configuration.maximumBodyBytes)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.hostname, port: configuration.port), serverName: "kimple-host"),
        services: closesHost ? [HostClosingService(host: host, logger: logger)] : [], logger: logger)
}

/// The routes of the host:
///
/// - `GET /health`: 200 `{"status":"ok"}`.
/// - `GET /operations/{id}`: the entry form (HTML).
/// - `GET /operations/{id}/rules`: the rules document.
/// - `POST /operations/{id}/participations`: a participation (URL-encoded form or JSON).
public func buildRouter(host: KimpleHost, maximumBodyBytes: Int = 64 << 10) -> Router<HostRequestContext> {
    let routes = ParticipantRoutes(host: host, maximumBodyBytes: max(1, min(maximumBodyBytes, 16 << 20)))
    let router = Router(context: HostRequestContext.self)
    router.get("/health") { _, _ in
        HostResponse.json(status: .ok, ["status": "ok"])
    }
    router.get("/operations/{id}") { request, context in
        try await routes.form(request, context)
    }
    router.get("/operations/{id}/rules") { request, context in
        try await routes.rules(request, context)
    }
    router.post("/operations/{id}/participations") { request, context in
        try await routes.participate(request, context)
    }
    return router
}

/// Writes the robot events counted but not yet written every minute (as the intake asks of
/// its host), and closes the SDK when the service group shuts down: the application's services
/// stop after its server, so every request is answered before the stores close.
struct HostClosingService: Service {
    let host: KimpleHost
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                do {
                    try await host.tenant.intake.flushRobotEvents()
                } catch {
                    logger.error("Writing the robot events failed: \(error)")
                }
            }
        }
        do {
            try await host.close()
            logger.info("The SDK is closed.")
        } catch {
            logger.error("Closing the SDK failed: \(error)")
            throw error
        }
    }
}
