import Foundation
import Hummingbird
import Kimple

/// The participant side of the host: the form, the rules and the participations.
struct ParticipantRoutes: Sendable {
    let host: KimpleHost
    let maximumBodyBytes: Int

    /// `GET /operations/{id}`: the operation's form, 404 for an unknown one, 410 when it is not open.
    func form(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let html = HostResponse.wantsHTML(request, default: true)
        guard let operation = try await operation(context) else {
            return HostResponse.error(.unknownOperation, html: html)
        }
        let now = host.clock.now
        let status = operation.effectiveStatus(at: now)
        guard status == .live else {
            return HostResponse.error(HostResponse.notOpen(status), html: html)
        }
        let token = host.formTokens.token(for: operation.id, at: now)
        return HostResponse.html(status: .ok, HTML.form(operation, token: token))
    }

    /// `GET /operations/{id}/rules`: the rules document whose SHA-256 the operation records.
    func rules(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let html = HostResponse.wantsHTML(request, default: false)
        guard let operation = try await operation(context) else {
            return HostResponse.error(.unknownOperation, html: html)
        }
        guard let rules = operation.rules, let bytes = try host.rulesDocument(rules.sha256) else {
            return HostResponse.error(
                ErrorBody(status: .notFound, code: "host.rules_unavailable", message: "The rules are not available."),
                html: html)
        }
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .eTag: "\"\(rules.sha256.hex)\""]
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `POST /operations/{id}/participations`.
    func participate(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let html = HostResponse.wantsHTML(request, default: false)
        let tenant = host.tenant
        guard let operation = try await operation(context) else {
            return HostResponse.error(.unknownOperation, html: html)
        }
        let mediaType = request.headers[.contentType].map(HostResponse.mediaType) ?? ""
        guard mediaType == "application/x-www-form-urlencoded" || mediaType == "application/json" else {
            return HostResponse.error(
                ErrorBody(
                    status: .unsupportedMediaType, code: "host.unsupported_media_type",
                    message: "Send the participation as application/x-www-form-urlencoded or application/json."),
                html: html)
        }
        guard let body = try await collect(request) else {
            return HostResponse.error(
                ErrorBody(
                    status: .contentTooLarge, code: KimpleError.Code.participationPayloadTooLarge.rawValue,
                    message: "The participation is larger than \(maximumBodyBytes) bytes."),
                html: html)
        }

        // Admission control before any work of the intake.
        var permit: AdmissionPermit?
        if let admission = tenant.availability.admission {
            switch admission.admit(tenant: tenant.id, operation: operation.id) {
            case .admitted(let admitted): permit = admitted
            case .refused(let refusal):
                return HostResponse.error(ErrorBody(refusal.error, retryAfter: refusal.retryAfter), html: html)
            }
        }
        defer {
            if let permit, let admission = tenant.availability.admission {
                admission.release(permit, at: admission.clock.now())
            }
        }

        let decoded: (fields: [String: FieldInput], token: String?)
        do {
            decoded =
                mediaType == "application/json"
                ? try SubmissionBody.json(body, limits: tenant.intake.configuration.limits)
                : try SubmissionBody.urlEncoded(body, form: operation.form)
        } catch {
            return HostResponse.error(ErrorBody(error, robots: tenant.intake.configuration.robots), html: html)
        }
        var startedAt: Date?
        if let token = decoded.token {
            guard let instant = host.formTokens.instant(of: token, for: operation.id, now: host.clock.now) else {
                return HostResponse.error(
                    ErrorBody(
                        status: .unprocessableContent, code: "host.invalid_form_token",
                        message: "The form is not one this server rendered, or it is too old; load the form again.",
                        field: HTML.formTokenField),
                    html: html)
            }
            startedAt = instant
        }
        let submission = ParticipationSubmission(
            operation: operation.id, fields: decoded.fields,
            context: SubmissionContext(
                source: context.remoteIP, userAgent: request.headers[.userAgent].map { String($0.prefix(512)) },
                formStartedAt: startedAt))
        let result: IntakeResult
        do {
            result = try await tenant.intake.submit(submission)
        } catch let error as KimpleError {
            context.logger.error("The intake failed: \(error)")
            return HostResponse.error(
                ErrorBody(
                    status: .serviceUnavailable, code: error.code.rawValue,
                    message: "Participations cannot be recorded right now; try again later.", retryAfter: 60),
                html: html)
        }
        switch result {
        case .accepted(let accepted):
            if html { return HostResponse.html(status: .created, HTML.accepted(accepted, title: operation.title)) }
            return HostResponse.json(status: .created, AcceptedBody(accepted))
        case .rejected(let error):
            return HostResponse.error(ErrorBody(error, robots: tenant.intake.configuration.robots), html: html)
        }
    }

    /// The operation named by the `id` parameter, or `nil` when there is none (or the id is not valid).
    private func operation(_ context: HostRequestContext) async throws -> GameOperation? {
        guard let raw = context.parameters.get("id"), let id = OperationID(rawValue: raw) else { return nil }
        return try await host.operation(id)
    }

    /// The body, or `nil` when it is larger than the limit (read no further than the limit).
    private func collect(_ request: Request) async throws -> [UInt8]? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximumBodyBytes {
            return nil
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= maximumBodyBytes else { return nil }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }
}
