import BSCTestSupport
import XCTest

/// The set-up every PostgreSQL test class shares: one throwaway cluster
/// for the class (a cluster takes a second or two to start), stopped when
/// the class is done. `classCluster()` throws when it could not start, so the
/// test fails saying why; it never skips.
class PostgresClusterTestCase: XCTestCase {
    // XCTest runs one class at a time: one slot serves every subclass.
    nonisolated(unsafe) private static var running: TestPostgresCluster?
    nonisolated(unsafe) private static var startError: String?

    override class func setUp() {
        super.setUp()
        do {
            running = try TestPostgresCluster()
            startError = nil
        } catch {
            startError = "\(error)"
        }
    }

    override class func tearDown() {
        running?.stop()
        running = nil
        super.tearDown()
    }

    /// The class's cluster.
    func classCluster() throws -> TestPostgresCluster {
        guard let c = Self.running else {
            throw TestPostgresCluster.Failure("cannot start PostgreSQL for this test: \(Self.startError ?? "unknown")")
        }
        return c
    }
}
