import Foundation
import Hummingbird
import Kimple

/// The body of every refused request: `{"code": "...", "message": "...", "field": ...}`, with
/// its HTTP status and, for a refusal worth retrying, the `Retry-After` delay in seconds.
struct ErrorBody: Encodable, Sendable {
    let status: HTTPResponse.Status
    /// The stable code (the SDK's, or a `host.` one).
    let code: String
    /// A sentence for a person.
    let message: String
    /// The field at fault, when there is one.
    let field: String?
    /// Seconds before a retry may succeed.
    let retryAfter: Int?

    init(
        status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    /// 404 for an operation the tenant does not have.
    static let unknownOperation = ErrorBody(
        status: .notFound, code: KimpleError.Code.participationUnknownOperation.rawValue,
        message: "There is no such operation.")

    /// A refusal of the SDK mapped to its status (G-4, G-5): duplicate 409, robot 429, closed
    /// 410 (paused 503), unknown operation 404, too large 413, malformed 400, any other invalid
    /// input 422 naming its field.
    init(_ error: KimpleError, robots: RobotPolicy) {
        let code = error.code
        let field = error.context["field"].map { String($0.prefix(64)) }
        if code.rawValue.hasPrefix(KimpleError.Code.participationRobotPrefix) {
            let retry =
                code == .participationRobotTooFast ? max(1, Int(robots.minimumCompletionSeconds.rounded(.up))) : 60
            // The message does not say which check fired: that would teach a robot how to pass it.
            self.init(
                status: .tooManyRequests, code: code.rawValue,
                message: "Too many participations from here; try again later.", retryAfter: retry)
            return
        }
        switch code {
        case .participationDuplicate:
            self.init(status: .conflict, code: code.rawValue, message: error.message)
        case .participationUnknownOperation:
            self.init(status: .notFound, code: code.rawValue, message: error.message)
        case .participationWindowClosed:
            if error.context["status"] == OperationStatus.paused.rawValue {
                self.init(status: .serviceUnavailable, code: code.rawValue, message: error.message, retryAfter: 60)
            } else {
                self.init(status: .gone, code: code.rawValue, message: error.message)
            }
        case .participationPayloadTooLarge, .participationTooManyFields:
            self.init(status: .contentTooLarge, code: code.rawValue, message: error.message, field: field)
        case .participationMalformed, .participationTooDeep:
            self.init(status: .badRequest, code: code.rawValue, message: error.message, field: field)
        default:
            self.init(status: .unprocessableContent, code: code.rawValue, message: error.message, field: field)
        }
    }

    /// An admission refusal (A-5): 503 with the delay, or without one for a suspended operation.
    init(_ error: KimpleError, retryAfter: Duration?) {
        let seconds = retryAfter.map { duration -> Int in
            let (whole, fraction) = duration.components
            return Int(clamping: max(1, min(whole + (fraction > 0 ? 1 : 0), 86_400)))
        }
        self.init(status: .serviceUnavailable, code: error.code.rawValue, message: error.message, retryAfter: seconds)
    }

    enum CodingKeys: String, CodingKey { case code, message, field }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(field, forKey: .field)
    }
}

/// The JSON of an accepted participation.
struct AcceptedBody: Encodable {
    struct Outcome: Encodable {
        let kind: String
        let prize: String?
        let prizeName: String?
    }
    let entry: String
    let operation: String
    let receivedAt: String
    let outcome: Outcome

    init(_ accepted: AcceptedParticipation) {
        entry = accepted.entry.rawValue
        operation = accepted.operation.rawValue
        receivedAt = ISO8601.string(accepted.receivedAt)
        switch accepted.outcome {
        case .noInstantWin: outcome = Outcome(kind: "no_instant_win", prize: nil, prizeName: nil)
        case .notWon: outcome = Outcome(kind: "not_won", prize: nil, prizeName: nil)
        case .won(let award): outcome = Outcome(kind: "won", prize: award.prize.rawValue, prizeName: award.prizeName)
        case .undecided: outcome = Outcome(kind: "undecided", prize: nil, prizeName: nil)
        }
    }
}

/// How the host writes its responses.
enum HostResponse {
    /// Whether the client asked for HTML: its `Accept` names `text/html` before any JSON, or,
    /// without an `Accept`, `default`.
    static func wantsHTML(_ request: Request, default: Bool) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return `default` }
        guard let html = accept.range(of: "text/html") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }

    /// The media type of a `Content-Type` value, lower-cased and without its parameters.
    static func mediaType(_ value: String) -> String {
        String(value.prefix(256).split(separator: ";", maxSplits: 1).first ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// `value` as JSON.
    static func json(status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(value)) ?? Data(#"{"code":"host.encoding","message":"","field":null}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An HTML page.
    static func html(status: HTTPResponse.Status, _ page: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// A refusal, as JSON or as a page, with its `Retry-After`.
    static func error(_ body: ErrorBody, html: Bool) -> Response {
        var response = html ? self.html(status: body.status, HTML.error(body)) : json(status: body.status, body)
        if let retryAfter = body.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    /// 410 (or 503 while paused) for an operation that is not live.
    static func notOpen(_ status: OperationStatus) -> ErrorBody {
        switch status {
        case .draft, .scheduled:
            ErrorBody(
                status: .gone, code: KimpleError.Code.participationWindowClosed.rawValue,
                message: "This operation is not open yet.")
        case .paused:
            ErrorBody(
                status: .serviceUnavailable, code: KimpleError.Code.participationWindowClosed.rawValue,
                message: "This operation is paused; try again later.", retryAfter: 60)
        default:
            ErrorBody(
                status: .gone, code: KimpleError.Code.participationWindowClosed.rawValue,
                message: "This operation is closed.")
        }
    }
}
