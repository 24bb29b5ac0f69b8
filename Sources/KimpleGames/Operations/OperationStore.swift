import KimpleCore

/// An operation and the version of the store write that produced it.
public struct StoredOperation: Sendable, Hashable {
    /// The operation as stored.
    public var operation: Operation
    /// Pass it to ``OperationStore/replace(_:expectedVersion:)``.
    public var version: UInt64

    /// A stored operation at `version`.
    public init(operation: Operation, version: UInt64) {
        self.operation = operation
        self.version = version
    }
}

/// The operations of one tenant (G-1, K-1).
///
/// The SDK ships ``DocumentOperationStore``, over any ``DocumentStore`` (in memory or on
/// file); a host can plug its own and check it with `KimpleTesting`'s
/// `OperationStoreConformance`.
///
/// ## Implementation requirements
/// - Every operation stored belongs to the store's tenant (`core.invalid_argument` otherwise).
/// - ``insert(_:)`` is insert-if-absent (`operation.already_exists`); ``replace(_:expectedVersion:)``
///   is a compare-and-set (`storage.conflict` when the operation changed since it was read,
///   `operation.not_found` when it does not exist). Versions increase with every write.
/// - ``version(of:)`` is cheap (no decoding): the intake calls it on every submission to
///   notice a changed operation at once (a pause, a suspension).
/// - Writes are durable on return under the store's policy.
public protocol OperationStore: Sendable {
    /// The tenant whose operations these are.
    var tenant: TenantID { get }

    /// The operation `id` and its version, or `nil`.
    func operation(_ id: OperationID) async throws -> StoredOperation?

    /// The current version of operation `id`, or `nil` when it does not exist.
    func version(of id: OperationID) async throws -> UInt64?

    /// Stores a new operation; returns its version.
    func insert(_ operation: Operation) async throws -> UInt64

    /// Replaces the operation if its version is still `expectedVersion`; returns the new version.
    func replace(_ operation: Operation, expectedVersion: UInt64) async throws -> UInt64

    /// Every operation of the tenant, by id.
    func operations() async throws -> [StoredOperation]
}

/// The reference ``OperationStore``: one JSON document per operation (``JSONCoding``), key
/// `operation/<id>`, in any ``DocumentStore`` (``InMemoryDocumentStore``,
/// ``FileDocumentStore``, or a host's own).
public final class DocumentOperationStore: OperationStore {
    /// The name of the operations store in a tenant's storage.
    public static let storeName: StoreName = "operations"

    /// The tenant whose operations these are.
    public let tenant: TenantID
    private let documents: any DocumentStore

    /// The operations of `tenant` in `documents`.
    public init(tenant: TenantID, documents: any DocumentStore) {
        self.tenant = tenant
        self.documents = documents
    }

    /// The store in the tenant's `operations` document store.
    public static func open(_ storage: TenantStorage) async throws -> DocumentOperationStore {
        DocumentOperationStore(tenant: storage.tenant, documents: try await storage.documentStore(storeName))
    }

    private static func key(_ id: OperationID) -> String { "operation/" + id.rawValue }

    /// Reads and decodes `operation/<id>`; throws `storage.corrupted` for a document that does not decode.
    public func operation(_ id: OperationID) async throws -> StoredOperation? {
        guard let document = try await documents.get(Self.key(id)) else { return nil }
        let operation = try JSONCoding.decode(Operation.self, from: document.value, key: document.key)
        return StoredOperation(operation: operation, version: document.version)
    }

    /// The version of `operation/<id>`, without decoding it.
    public func version(of id: OperationID) async throws -> UInt64? {
        try await documents.get(Self.key(id))?.version
    }

    /// Inserts `operation/<id>`; throws `operation.already_exists`, or `core.invalid_argument` for another tenant.
    public func insert(_ operation: Operation) async throws -> UInt64 {
        try checkTenant(operation)
        do {
            return try await documents.insert(Self.key(operation.id), JSONCoding.encode(operation))
        } catch let error as KimpleError where error.code == .storageConflict {
            throw KimpleError(
                .operationAlreadyExists, "An operation with this id exists; choose another id.",
                context: ["operation": operation.id.rawValue])
        }
    }

    /// Compare-and-set of `operation/<id>`; throws `storage.conflict`, `operation.not_found`, or
    /// `core.invalid_argument` for another tenant.
    public func replace(_ operation: Operation, expectedVersion: UInt64) async throws -> UInt64 {
        try checkTenant(operation)
        do {
            return try await documents.replace(
                Self.key(operation.id), expectedVersion: expectedVersion, with: JSONCoding.encode(operation))
        } catch let error as KimpleError where error.code == .storageConflict {
            guard try await documents.get(Self.key(operation.id)) != nil else {
                throw KimpleError(
                    .operationNotFound, "No such operation.", context: ["operation": operation.id.rawValue])
            }
            throw error
        }
    }

    /// Every `operation/` document, by id.
    public func operations() async throws -> [StoredOperation] {
        try await documents.documents(withPrefix: "operation/").map { document in
            StoredOperation(
                operation: try JSONCoding.decode(Operation.self, from: document.value, key: document.key),
                version: document.version)
        }
    }

    private func checkTenant(_ operation: Operation) throws {
        guard operation.tenant == tenant else {
            throw KimpleError(
                .invalidArgument, "An operation is stored with its own tenant only (K-1).",
                context: ["operation": operation.id.rawValue, "tenant": operation.tenant.rawValue])
        }
    }
}

/// The instruction of each operation of a tenant, by operation id, read from its operation
/// store: the scopes of the games' personal-data holders (P-1, P-9). Register the holders with
/// it (`holders.register(holder, instruction: tenantDefault, scopes: OperationInstructions(store))`)
/// and the retention sweep keeps each operation's entries and robot events as long as the
/// operation's own instruction says.
public struct OperationInstructions: ScopeInstructions {
    /// The operations read on each sweep.
    public let store: any OperationStore

    /// The instructions of `store`'s operations.
    public init(_ store: any OperationStore) {
        self.store = store
    }

    /// Every operation's instruction, by operation id.
    public func instructionsByScope() async throws -> [String: InstructionID] {
        var instructions: [String: InstructionID] = [:]
        for stored in try await store.operations() {
            instructions[stored.operation.id.rawValue] = stored.operation.instruction
        }
        return instructions
    }
}
