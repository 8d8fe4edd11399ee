import Foundation
import XCTest
@testable import EPlanStore

/// `StoreFiles`: the service's cheap "has anything committed since?" for a SQLite store. It
/// may only vouch for files whose last change is old enough that a later write shows, and
/// every commit (to the log or the database) must change what it sees.
final class StoreFilesTests: XCTestCase {
    let settle = 0.3

    func freshStore() throws -> (Store, String) {
        let dir = NSTemporaryDirectory() + "storefiles-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/store.sqlite"
        return (try Store(path: path), path)
    }

    /// The state once the files have not changed for `settle` seconds.
    func settledState(_ files: StoreFiles, file: StaticString = #filePath, line: UInt = #line) throws -> StoreFiles.State {
        Thread.sleep(forTimeInterval: settle + 0.05)
        return try XCTUnwrap(files.state(), "files unchanged for longer than settledAfter are vouched for", file: file, line: line)
    }

    func testEveryCommitChangesTheStateAndAFreshChangeIsNotVouchedFor() throws {
        let (store, path) = try freshStore()
        let files = try XCTUnwrap(StoreFiles(.sqlite(path: path), settledAfter: settle))
        try store.database.execute("CREATE TABLE IF NOT EXISTS t (x)")
        XCTAssertNil(files.state(), "a file changed within settledAfter is not vouched for")

        let quiet = try settledState(files)
        XCTAssertEqual(files.state(), quiet, "nothing committed: the same state")

        // A small commit by another connection (as another process would): the log only.
        let other = try Store(path: path)
        try other.database.execute("INSERT INTO t VALUES (1)")
        XCTAssertNotEqual(try settledState(files), quiet, "a commit to the write-ahead log changes the state")

        // A checkpoint writes the database file.
        let beforeCheckpoint = try settledState(files)
        try other.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        XCTAssertNotEqual(try settledState(files), beforeCheckpoint, "a checkpoint changes the state")
    }

    func testOnlyAStoreFileIsWatched() throws {
        XCTAssertNil(StoreFiles(.sqlite(path: ":memory:")))
        XCTAssertNil(StoreFiles(try StoreLocation.parse("postgresql:///eplan?host=/tmp")))
        XCTAssertNil(StoreFiles(.sqlite(path: "/nonexistent/store.sqlite"))?.state(), "a missing database is never vouched for")
    }
}
